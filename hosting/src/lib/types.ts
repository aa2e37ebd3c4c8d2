// Shapes of what the functions answer (docs/functions.md) and of the bakery's Firestore documents
// (core dataclasses through adapters/document_codec.py: decimals as strings, dates as ISO strings).
import type { Metrics, MetricsScope, Quota } from './metrics-types';

export type Role = 'owner' | 'baker' | 'viewer';
export type UnitCode = string; // UN/CEFACT Rec 20 (G21 cup, GRM gram, H87 piece, …)

export interface Density {
  source: 'bakery' | 'reference';
  grams_per_cup?: number;
  grams_per_item?: number;
  reference?: string;
  reference_entry?: string;
  stated?: string;
}

export interface PlanFinishedUnit {
  slug: string;
  recipe: string;
  recipe_slug: string;
  needed: number;
  per_batch: number;
  batches: number;
  produced: number;
  surplus: number;
  /** Extra pieces for breakage (the event's or the good's buffer_percentage), batched with the need. */
  buffer?: number;
}
export interface PlanRecipe {
  recipe: string;
  recipe_slug: string;
  batches: number;
  completed?: number;
  remaining?: number;
  /** Only when the bakery says which mixer / oven the recipe uses (save_equipment). */
  mixes?: PlanMixes;
  oven_loads?: PlanOvenLoads;
}
/** "4 batches → 2 mixes of 2 in the 20-qt mixer"; `mixes` lists the batches in each mix (0.5: half a split batch). */
export interface PlanMixes {
  mixer: string;
  mixer_name: string;
  capacity: number;
  capacity_unit: UnitCode;
  batch_size: number;
  batch_unit: UnitCode;
  count: number;
  batches_per_mix: number;
  whole_batches: boolean;
  split_into: number;
  mixes: number[];
  text: string;
}
export interface PlanOvenLoads {
  oven: string;
  oven_name: string;
  pans_per_batch: number;
  pans: number;
  pans_per_load: number;
  count: number;
  text: string;
}
export interface PlanIngredient {
  ingredient: string;
  quantity: number;
  unit: UnitCode;
  density?: Density;
}
export interface PackageSuggestion {
  product: string;
  product_id?: string;
  count: number;
  package_size?: number;
  package_unit?: UnitCode;
  supplier?: string | null;
  supplier_slug?: string | null;
  estimated_cost?: number | null;
}
export interface ShoppingLine {
  ingredient: string;
  needed: number;
  on_hand: number;
  to_buy: number;
  unit: UnitCode;
  packages: PackageSuggestion[];
  density?: Density;
}
export interface Plan {
  event: string;
  event_slug: string;
  remaining_only: boolean;
  finished_units: PlanFinishedUnit[];
  recipes: PlanRecipe[];
  ingredients: PlanIngredient[];
  shopping_list: ShoppingLine[];
  packaging: ShoppingLine[];
  warnings: string[];
}
export interface ShoppingList {
  event: string;
  suppliers: { supplier: string; items: ShoppingLine[] }[];
  text: string;
  warnings: string[];
}
/** scale_recipe: a recipe scaled by one ingredient on hand, with its formula in baker's percentages. */
export interface ScaledRecipe {
  recipe: string;
  recipe_slug: string;
  by: { ingredient: string; ingredient_name: string; amount: number; unit: UnitCode; per_batch: number };
  factor: number;
  lines: { ingredient: string; ingredient_name: string; quantity: number; unit: UnitCode; per_batch: number; in_recipe: string; path: string[] }[];
  yields: { finished_unit: string; name: string; per_batch: number; scaled: number; item_unit: string }[];
  bakers_percentages: {
    available: boolean;
    note: string | null;
    flour_grams: number;
    total_percentage: number | null;
    lines: { ingredient: string; ingredient_name: string; flour: boolean; grams: number | null; percentage: number | null; cannot_weigh: string | null }[];
  };
}
/** can_make: what the stock on hand makes for an event, what limits it, what to buy for the rest. */
export interface CanMake {
  event: string;
  event_slug: string;
  order: string;
  all_covered: boolean;
  recipes: {
    recipe: string;
    recipe_slug: string;
    to_make: number;
    can_make: number;
    short: number;
    limiting: { ingredient: string; per_batch: number; unit: UnitCode; on_hand: number; enough_for_batches: number } | null;
  }[];
  finished_units: {
    slug: string;
    recipe_slug: string;
    needed: number;
    per_batch: number;
    batches: number;
    made_batches: number;
    can_make_batches: number;
    can_make: number;
    short: number;
  }[];
  to_buy: ShoppingLine[];
  warnings: string[];
}
/** event_cost: money in `currency`; every cost is the known part, `complete` false when a line has no price. */
export interface EventCost {
  event: string;
  event_slug: string;
  currency: string;
  remaining_only: boolean;
  total: number;
  complete: boolean;
  from_stock: number;
  to_buy: number;
  recipes: {
    recipe: string;
    recipe_slug: string;
    batches: number;
    cost: number;
    per_batch: number | null;
    from_stock: number;
    complete: boolean;
    lines: { ingredient: string; quantity: number; unit: UnitCode; from_stock: number; to_buy_quantity: number; to_buy_cost: number | null; unpriced: string | null }[];
  }[];
  unpriced: { recipe_slug: string; ingredient: string; reason: string }[];
  finished_units: { slug: string; cost: number; complete: boolean }[];
  finished_goods: { slug: string; cost: number; complete: boolean; target_margin_percentage: number | null; suggested_price: number | null }[];
  planned_vs_actual: { recipe_slug: string; batches: number; planned: number | null; actual: number; actual_complete: boolean; difference: number | null }[];
  warnings: string[];
}
/** A record of save_equipment (and of the export's `equipment` section). */
export interface EquipmentRecord {
  slug?: string;
  name: string;
  kind: 'mixer' | 'oven';
  capacity?: number;
  capacity_unit?: string;
  pans_per_load?: number;
  recipes?: ({ recipe_slug?: string; recipe_name?: string } & ({ batch_size: number; batch_unit: string } | { pans_per_batch: number }))[];
}
/** The caller's bakery (get_bakery): the owner's settings apply to every member. */
export interface Bakery {
  tenant_id: string;
  name: string;
  role: Role;
  settings: { unit_system: 'us' | 'metric'; currency: string };
}
export interface Member {
  uid: string;
  email: string | null;
  role: Role;
  active: boolean;
  joined_at: string;
}
export interface ProposalOperation {
  index: number;
  op: string;
  proposed: Record<string, unknown>;
  args: Record<string, unknown>;
  confidence?: Record<string, number>;
  flags?: string[];
  edited_fields?: string[];
  /** Fields that moved with the baker's edit of another (packages → quantity, unit price → total). */
  derived_fields?: string[];
  removed?: boolean;
  problems?: { field: string; reason: string }[];
  /** After a confirmation: what was applied ("you confirmed") and what it did. */
  confirmed?: Record<string, unknown> | null;
  applied?: unknown;
}
export interface Proposal {
  proposal_id: string;
  status: 'proposed' | 'confirmed' | 'rejected' | 'undone';
  source: string;
  model: string;
  input_text: string;
  operations: ProposalOperation[];
  notes?: string[];
  created_at?: string | null;
  decided_at?: string | null;
  undone_at?: string | null;
  reason?: string | null;
}
export interface ProposalEdit {
  proposal_id: string;
  changes?: { index: number; args: Record<string, unknown> }[];
  remove?: number[];
  restore?: number[];
  add?: { op: 'add_purchase' | 'adjust_inventory' | 'create_event'; args: Record<string, unknown> }[];
}
export interface ImportResult {
  dry_run: boolean;
  changed: Record<string, number>;
  added?: Record<string, number> | unknown;
  notices: unknown[];
}

/** The request and answer of every operation the app calls. */
export interface Operations {
  plan_event: { req: { event: string; remaining_only?: boolean }; res: Plan };
  shopping_list: { req: { event: string; remaining_only?: boolean }; res: ShoppingList };
  export_desktop: { req: Record<string, never>; res: Record<string, unknown> };
  import_desktop: { req: { data: Record<string, unknown>; dry_run?: boolean }; res: ImportResult };
  create_tenant: { req: { name: string }; res: { tenant_id: string; name: string; role: Role; refresh_token: boolean } };
  join_tenant: { req: { code: string }; res: { tenant_id: string; role: Role; refresh_token: boolean } };
  invite_member: { req: { role: Role; email?: string }; res: { code: string; role: Role; email: string | null; expires_at?: string } };
  list_members: { req: Record<string, never>; res: { members: Member[] } };
  change_member_role: { req: { uid: string; role: Role }; res: unknown };
  remove_tenant_member: { req: { uid: string }; res: unknown };
  add_purchase: {
    req: { product_id?: string; upc?: string; packages: number; unit_price: number; purchased_on: string; supplier?: string; notes?: string };
    res: { purchase_id: string; lot_id?: string; quantity?: number; unit?: UnitCode; unit_cost?: number | null; replayed: boolean };
  };
  set_inventory_level: {
    req: { product_id?: string; upc?: string; remaining_percentage: number; notes?: string };
    res: { lot_id: string; quantity: number; unit: UnitCode; previous: number };
  };
  record_loss: { req: { ingredient: string; amount: number; unit: UnitCode; reason: string; notes?: string }; res: { depletions: string[] } };
  save_events: { req: Record<string, unknown[]>; res: { changed: Record<string, number>; notices: unknown[] } };
  save_catalog: { req: Record<string, unknown[]>; res: { changed: Record<string, number>; notices: unknown[] } };
  save_recipes: { req: Record<string, unknown[]>; res: { changed: Record<string, number>; notices: unknown[] } };
  save_finished_goods: { req: Record<string, unknown[]>; res: { changed: Record<string, number>; notices: unknown[] } };
  get_bakery: { req: Record<string, never>; res: Bakery };
  register_push_token: { req: { token: string; locale?: 'en' | 'de' }; res: { registered: boolean; token_id: string } };
  unregister_push_token: { req: { token: string }; res: { removed: boolean } };
  save_bakery_settings: { req: { unit_system?: 'us' | 'metric'; currency?: string }; res: Bakery };
  list_proposals: { req: { status?: Proposal['status']; limit?: number }; res: { proposals: Proposal[] } };
  list_purchases: { req: { limit?: number; cursor?: string; product?: string }; res: { purchases: PurchaseDoc[]; next_cursor: string | null } };
  get_proposal: { req: { proposal_id: string }; res: Proposal };
  propose_from_text: { req: { text: string; source?: 'voice' | 'text' | 'event_voice'; today?: string; language?: string }; res: Proposal };
  edit_proposal: { req: ProposalEdit; res: Proposal };
  confirm_proposal: { req: { proposal_id: string }; res: Proposal };
  reject_proposal: { req: { proposal_id: string; reason?: string }; res: Proposal };
  undo_proposal: { req: { proposal_id: string }; res: Proposal };
  propose_from_photo: { req: { photo_id: string; note?: string; item?: string }; res: Proposal };
  receipt_status: {
    req: { photo_id: string };
    res: { photo_id: string; status: 'uploaded' | 'queued' | 'reading' | 'proposed' | 'failed'; attempts?: number; proposal_id: string | null; error: string | null; proposal: Proposal | null };
  };
  scale_recipe: { req: { recipe: string; ingredient: string; amount: number | string; unit: string }; res: ScaledRecipe };
  can_make: { req: { event: string }; res: CanMake };
  event_cost: { req: { event: string; remaining_only?: boolean }; res: EventCost };
  save_equipment: { req: { equipment: EquipmentRecord[] }; res: { changed: Record<string, number>; notices: unknown[] } };
  delete_record: { req: { collection: string; key: string }; res: unknown };
  get_metrics: { req: { scope?: MetricsScope; weeks?: number }; res: Metrics };
  get_quotas: { req: Record<string, never>; res: { quotas: Quota[] } };
}
export type Op = keyof Operations;

// -- Firestore documents under tenants/{t}/… ------------------------------------------------
export interface EventDoc {
  slug: string;
  name: string;
  event_date: string | null;
  year: string | number | null;
  plan_state: string;
  recipe_slugs: string[];
  finished_goods: { finished_good_slug: string; quantity: string }[];
  production_targets: { recipe_slug: string; target_batches: string }[];
  assembly_targets: { finished_good_slug: string; target_quantity: string }[];
  notes: string;
}
export interface IngredientDoc {
  slug: string;
  display_name: string;
  category: string;
  parent_slug: string | null;
  hierarchy_level: string;
  is_packaging: boolean;
  density?: { volume_value: string; volume_unit: UnitCode; weight_value: string; weight_unit: UnitCode } | null;
}
export interface ProductDoc {
  id: string;
  ingredient_slug: string;
  brand: string;
  product_name: string;
  package_unit: UnitCode;
  package_unit_quantity: string;
  package_type: string;
  preferred_supplier_slug: string | null;
  is_hidden: boolean;
  upc: string;
  gtin: string;
}
export interface LotDoc {
  id: string;
  product_id: string;
  ingredient_slug: string;
  quantity: string;
  unit: UnitCode;
  unit_cost: string | null;
  purchased_on: string;
  initial_quantity: string | null;
  location: string;
}
export interface PurchaseDoc {
  id: string;
  product_id: string;
  supplier_slug: string | null;
  purchased_on: string;
  quantity_purchased: string;
  unit_price: string;
  notes: string;
}
export interface SupplierDoc {
  slug: string;
  name: string;
  city: string;
  state: string;
  is_active: boolean;
}
export interface RecipeDoc {
  slug: string;
  name: string;
  variant_name: string | null;
  ingredients: { ingredient_slug: string; quantity: string; unit: UnitCode }[];
  components: { recipe_slug: string; quantity: string }[];
  extra: { source?: string; notes?: string };
}
export interface FinishedGoodDoc {
  slug: string;
  display_name: string;
  assembly_type: string;
  components: { slug: string; quantity: string; kind: string }[];
}
export interface FinishedUnitDoc {
  slug: string;
  display_name: string;
  recipe_slug: string;
  items_per_batch: string;
  item_unit: string;
}
export interface Collections {
  events: EventDoc;
  ingredients: IngredientDoc;
  products: ProductDoc;
  lots: LotDoc;
  purchases: PurchaseDoc;
  suppliers: SupplierDoc;
  recipes: RecipeDoc;
  finished_goods: FinishedGoodDoc;
  finished_units: FinishedUnitDoc;
}
