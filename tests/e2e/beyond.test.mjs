// Issue 13's screens ("Beyond the desktop"), end to end on the local stack.
//
//   node --test tests/e2e/beyond.test.mjs        (after the build: cd hosting && npm run build)
//
// An owner with the desktop sample, an event with a buffer for breakage, a few purchases (so some lines have a
// price) and a target margin on the event's bundle, all set up through the API to save time. Then, in a phone-sized
// browser: the mixers and ovens are entered on the equipment screen (a refused save shows the problem on its field
// first); the plan shows the mixes and oven loads plan_event answers and the cost event_cost answers; the recipe
// screen scales by an ingredient exactly as scale_recipe does; "what can I bake now" shows can_make's answer; a
// viewer sees the equipment but no edit control. Every screen is checked for CSP violations and console errors.
// Screenshots: docs/screenshots/equipment-phone.png, plan-mixes-costs-phone.png, plan-mixes-costs-laptop.png,
// recipe-scale-phone.png, can-make-phone.png.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  LAPTOP, PHONE, PLANS, RUN, SAMPLE, SHOTS, api, checkScreen, claims, createBakery, idToken, launchChromium,
  networkQuiet, problems, screens, signUp, sleep, stack, startWith, stopStack, visit, watch
} from './support.mjs';

const OWNER = `beyond-${RUN}@e2e.test`;
const VIEWER = `beyond-viewer-${RUN}@e2e.test`;
const EVENT = 'E2E Beyond Fair';
const GOOD = 'cookie-tin';
let browser;
let owner; // { context, page }
const state = { token: '', tenant: '', slug: '', recipe: '', recipeName: '', code: '' };

async function shot(page, name, { fullPage = false } = {}) {
  mkdirSync(SHOTS, { recursive: true });
  await page.evaluate(() => document.fonts.ready);
  await sleep(250);
  await page.screenshot({ path: join(SHOTS, `${name}.png`), animations: 'disabled', fullPage });
}

before(async () => {
  browser = await startWith(launchChromium());
  const context = await browser.newContext({ viewport: PHONE, locale: 'en-US' });
  await watch(context, 'owner');
  owner = { context, page: await context.newPage() };
});

after(async () => {
  await browser?.close().catch(() => {});
  await stopStack();
  console.log(`e2e (beyond): ${screens.length} screens checked for CSP violations and console errors: ${[...new Set(screens)].join(', ')}`);
});

test('an owner with the sample, an event with a buffer, some purchases and a target margin (through the API)', async () => {
  await signUp(owner.page, OWNER);
  await createBakery(owner.page, 'E2E Beyond Bakery');
  state.token = await idToken(OWNER);
  state.tenant = claims(state.token).tenant_id;
  for (const file of [SAMPLE, PLANS]) {
    const imported = await api('import_desktop', { data: JSON.parse(readFileSync(file, 'utf8')) }, state.token);
    assert.equal(imported.status, 200, JSON.stringify(imported.body).slice(0, 500));
  }
  const saved = await api('save_events', {
    events: [{ name: EVENT, event_date: '2026-12-19', buffer_percentage: 5 }],
    event_finished_goods: [{ event_name: EVENT, finished_good_slug: GOOD, quantity: 20 }]
  }, state.token);
  assert.equal(saved.status, 200, JSON.stringify(saved.body));
  const plan = await api('plan_event', { event: EVENT }, state.token);
  assert.equal(plan.status, 200, JSON.stringify(plan.body));
  state.slug = plan.body.event_slug;
  assert.ok(plan.body.finished_units.some((u) => u.buffer > 0), 'the buffer adds pieces');
  // The recipe with the most batches gets the mixer and the oven.
  const recipe = [...plan.body.recipes].sort((a, b) => b.batches - a.batches)[0];
  state.recipe = recipe.recipe_slug;
  state.recipeName = recipe.recipe;
  // A few purchases: those lines are priced (the sample's lots have no cost).
  const lines = plan.body.shopping_list.filter((l) => l.packages.some((p) => p.product_id)).slice(0, 3);
  for (const l of lines) {
    const p = l.packages.find((x) => x.product_id);
    const bought = await api('add_purchase', { product_id: p.product_id, packages: p.count, unit_price: 4.5, purchased_on: '2026-12-01' }, state.token);
    assert.equal(bought.status, 200, JSON.stringify(bought.body));
  }
  const exported = await api('export_desktop', {}, state.token);
  const tin = exported.body.finished_goods.find((g) => g.slug === GOOD);
  // A good is saved whole: with its bundle's compositions (as the catalog editor sends it).
  const compositions = exported.body.compositions.filter((c) => c.finished_good_slug === GOOD);
  const margin = await api('save_finished_goods', { finished_goods: [{ ...tin, target_margin_percentage: 60 }], compositions }, state.token);
  assert.equal(margin.status, 200, JSON.stringify(margin.body));
  const invite = await api('invite_member', { role: 'viewer' }, state.token);
  assert.equal(invite.status, 200, JSON.stringify(invite.body));
  state.code = invite.body.code;
});

test('equipment is entered on the equipment screen; a refused save names the field', async () => {
  assert.ok(state.recipe, 'needs the setup');
  const { page } = owner;
  await visit(page, '/more', () => page.getByRole('link', { name: 'Equipment' }).waitFor(), 'more');
  await page.getByRole('link', { name: 'Equipment' }).click();
  await page.getByRole('heading', { name: 'Equipment', level: 1 }).waitFor();
  await page.getByText('No mixer yet.').waitFor();
  checkScreen(page, 'equipment (empty)');

  await page.getByRole('button', { name: 'Add a mixer' }).click();
  const mixer = page.getByTestId('equipment-form-0');
  await mixer.getByLabel('Name').fill('20-qt Hobart');
  await mixer.getByLabel('Capacity', { exact: true }).fill('20');
  await mixer.getByLabel('Capacity unit').selectOption('qt');
  await mixer.locator('#eq-0-r0').selectOption(state.recipe);
  await mixer.locator('#eq-0-a0').fill('8');
  await mixer.locator('#eq-0-u0').selectOption('kg'); // a dough has no one density: refused
  await page.getByRole('button', { name: 'Add an oven' }).click();
  const oven = page.getByTestId('equipment-form-1');
  await oven.getByLabel('Name').fill('Deck oven');
  await oven.getByLabel('Pans per load').fill('4');
  await oven.locator('#eq-1-r0').selectOption(state.recipe);
  await oven.locator('#eq-1-a0').fill('1,5');
  await page.getByRole('button', { name: 'Save equipment' }).click();
  await mixer.locator('.field-error').getByText(/cannot be compared/).waitFor();
  await page.getByText('Nothing was saved: fix the marked fields.').waitFor();
  assert.equal((await api('export_desktop', {}, state.token)).body.equipment ?? undefined, undefined, 'nothing saved');
  // The browser itself logs the refused request ("status of 400"); that one is expected here.
  const kept = problems.filter((p) => !(p.kind === 'console' && /status of 400/.test(p.text)));
  problems.splice(0, problems.length, ...kept);
  checkScreen(page, 'equipment (refused)');

  await mixer.locator('#eq-0-u0').selectOption('qt');
  await page.getByRole('button', { name: 'Save equipment' }).click();
  await page.getByText('Equipment saved.').waitFor();
  const saved = (await api('export_desktop', {}, state.token)).body.equipment;
  const byName = (a, b) => (a[0] < b[0] ? -1 : 1);
  assert.deepEqual(saved.map((e) => [e.name, e.kind, e.capacity ?? e.pans_per_load, e.recipes]).sort(byName), [
    ['20-qt Hobart', 'mixer', 20, [{ recipe_slug: state.recipe, batch_size: 8, batch_unit: 'qt' }]],
    ['Deck oven', 'oven', 4, [{ recipe_slug: state.recipe, pans_per_batch: 1.5 }]]
  ]);
  checkScreen(page, 'equipment (saved)');
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, 'equipment-phone');
});

test('the plan shows the mixes and oven loads plan_event answers, and the cost event_cost answers', async () => {
  const { page } = owner;
  const plan = (await api('plan_event', { event: state.slug }, state.token)).body;
  const cost = (await api('event_cost', { event: state.slug }, state.token)).body;
  const r = plan.recipes.find((x) => x.recipe_slug === state.recipe);
  assert.ok(r.mixes && r.oven_loads, 'the plan counts mixes and loads');
  await visit(page, `/events/${state.slug}/plan`, () => page.getByTestId('cost-total').waitFor(), 'plan (mixes, costs)');
  const box = page.getByTestId(`equipment-${state.recipe}`);
  assert.equal((await box.getByTestId('mixes').innerText()).trim(), r.mixes.text);
  assert.equal((await box.getByTestId('oven-loads').innerText()).trim(), r.oven_loads.text);
  assert.equal(Number(await box.getByTestId('mixes').getAttribute('data-count')), r.mixes.count);
  // The cost: the same number, as money.
  const total = page.getByTestId('cost-total');
  assert.equal(Number(await total.getAttribute('data-value')), cost.total);
  const money = (v) => new Intl.NumberFormat('en', { style: 'currency', currency: cost.currency }).format(v);
  assert.equal((await total.innerText()).trim(), money(cost.total));
  assert.ok(cost.total > 0, 'the purchases priced some lines');
  assert.equal((await page.getByTestId('cost-to-buy').innerText()).trim(), money(cost.to_buy));
  for (const rc of cost.recipes) {
    const row = page.locator(`[data-testid=cost-recipe][data-recipe="${rc.recipe_slug}"]`);
    assert.equal(Number(await row.getAttribute('data-value')), rc.cost);
    assert.ok((await row.innerText()).includes(money(rc.cost)));
  }
  if (!cost.complete) {
    await page.getByTestId('cost-incomplete').waitFor();
    assert.ok((await page.getByTestId('cost-unpriced').innerText()).includes(`${cost.unpriced.length} line`));
  }
  const good = cost.finished_goods.find((g) => g.slug === GOOD);
  assert.equal(good.target_margin_percentage, 60);
  const tin = page.locator(`[data-testid=cost-good][data-good="${GOOD}"]`);
  assert.equal(Number(await tin.getAttribute('data-suggested')), good.suggested_price);
  assert.ok((await tin.innerText()).includes(money(good.suggested_price)));
  // The buffer for breakage shows where it applies.
  await page.getByText(/for breakage/).first().waitFor();
  checkScreen(page, 'plan (checked)');
  // Screenshots: the recipe card with its mixes on top, then the costs.
  await box.scrollIntoViewIfNeeded();
  await page.evaluate((slug) => document.querySelector(`[data-testid="equipment-${slug}"]`).closest('article').scrollIntoView({ block: 'start' }), state.recipe);
  await shot(page, 'plan-mixes-costs-phone');
  await page.getByTestId('costs').evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await shot(page, 'plan-costs-phone');
  await page.setViewportSize(LAPTOP);
  await sleep(300);
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, 'plan-mixes-costs-laptop');
  await page.getByTestId('costs').evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await shot(page, 'plan-costs-laptop');
  await page.setViewportSize(PHONE);
});

test('the recipe screen scales by an ingredient exactly as scale_recipe does', async () => {
  const { page } = owner;
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.getByRole('link', { name: `${state.recipeName} · Recipe and scaling` }).click();
  await page.waitForURL((u) => u.pathname === `/recipes/${state.recipe}`);
  await page.getByRole('heading', { name: state.recipeName, level: 1 }).waitFor();
  await page.getByTestId('bakers').waitFor();
  await networkQuiet(page).catch(() => {});
  checkScreen(page, 'recipe');
  const recipe = (await api('export_desktop', {}, state.token)).body.recipes.find((r) => r.slug === state.recipe);
  const line = recipe.ingredients.find((l) => /butter/.test(l.ingredient_slug)) ?? recipe.ingredients.find((l) => /flour/.test(l.ingredient_slug)) ?? recipe.ingredients[0];
  const byWeight = /butter|flour/.test(line.ingredient_slug);
  const unit = byWeight ? 'LBR' : null;
  await page.locator('#sc-amount').fill('abc');
  await page.getByRole('button', { name: 'Scale', exact: true }).click();
  await page.getByText('Type an amount, such as 3 or 1.5.').waitFor();
  await page.locator('#sc-amount').fill('3');
  await page.locator('#sc-ingredient').selectOption(line.ingredient_slug);
  if (unit) await page.locator('#sc-unit').selectOption(unit);
  const chosenUnit = await page.locator('#sc-unit').inputValue();
  await page.getByRole('button', { name: 'Scale', exact: true }).click();
  await page.getByTestId('scaled').waitFor();
  const answer = (await api('scale_recipe', { recipe: state.recipe, ingredient: line.ingredient_slug, amount: 3, unit: chosenUnit }, state.token)).body;
  assert.ok(answer.factor > 0, JSON.stringify(answer).slice(0, 300));
  assert.equal(Number(await page.getByTestId('factor').getAttribute('data-value')), answer.factor);
  const shown = await page.getByTestId('scaled-line').evaluateAll((els) => els.map((e) => [e.dataset.ingredient, Number(e.dataset.value), e.dataset.unit]));
  assert.deepEqual(shown, answer.lines.map((l) => [l.ingredient, l.quantity, l.unit]));
  // Words, never codes.
  const text = await page.getByTestId('scaled').innerText();
  assert.ok(!/\b(G21|G24|G25|LBR|GRM|QTL)\b/.test(text), text);
  checkScreen(page, 'recipe (scaled)');
  await sleep(800); // the screen scrolls (smoothly) to the scaled lines; the screenshot starts at the top
  await page.evaluate(() => window.scrollTo({ top: 0, behavior: 'instant' }));
  await shot(page, 'recipe-scale-phone');
  await page.getByTestId('bakers').evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await shot(page, 'recipe-bakers-phone');
  // A line that cannot be weighed says why; a recipe without flour says there are no percentages, and why.
  const anzac = (await api('scale_recipe', { recipe: 'anzac-cookies', ingredient: 'walnuts', amount: 1, unit: 'cup' }, state.token)).body;
  const walnuts = anzac.bakers_percentages.lines.find((l) => l.ingredient === 'walnuts');
  assert.ok(walnuts.cannot_weigh, JSON.stringify(walnuts));
  await visit(page, '/recipes/anzac-cookies', () => page.getByTestId('bakers').waitFor(), 'recipe (cannot weigh)');
  await page.getByTestId('bakers').getByText(`cannot weigh: ${walnuts.cannot_weigh}`).waitFor();
  await visit(page, '/recipes/candy-bar-fudge', () => page.getByText(/^No baker’s percentages: no flour in this recipe/).waitFor(), 'recipe (no flour)');
});

test('"what can I bake now" shows can_make\'s answer', async () => {
  const { page } = owner;
  // Cloves (which the sample lacks) and sugar bought, so some batches can be made now.
  const product = { id: 'cloves_ground~penzeys~ground-cloves~1-2oz', ingredient_slug: 'cloves_ground', brand: 'Penzeys', product_name: 'Ground cloves', package_unit_quantity: 1.2, package_unit: 'oz' };
  const eggs = { id: 'eggs_whole~farm~eggs-large~2each', ingredient_slug: 'eggs_whole', brand: 'Farm', product_name: 'Eggs, large (2)', package_unit_quantity: 2, package_unit: 'each' };
  const created = await api('save_catalog', { products: [product, eggs] }, state.token);
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const plan = (await api('plan_event', { event: state.slug }, state.token)).body;
  const sugar = plan.shopping_list.find((l) => l.ingredient === 'sugar_granulated')?.packages.find((p) => p.product_id);
  for (const [id, packages] of [[product.id, 1], [eggs.id, 1], ...(sugar ? [[sugar.product_id, sugar.count]] : [])]) {
    const bought = await api('add_purchase', { product_id: id, packages, unit_price: 3.25, purchased_on: '2026-12-01' }, state.token);
    assert.equal(bought.status, 200, JSON.stringify(bought.body));
  }
  const answer = (await api('can_make', { event: state.slug }, state.token)).body;
  await visit(page, `/events/${state.slug}/plan`, () => page.getByRole('link', { name: 'What can I bake now?' }).waitFor(), 'plan');
  await page.getByRole('link', { name: 'What can I bake now?' }).click();
  await page.waitForURL((u) => u.pathname.endsWith('/now'));
  await page.getByTestId('now-recipe').first().waitFor();
  await networkQuiet(page).catch(() => {});
  checkScreen(page, 'can make now');
  const recipes = await page.getByTestId('now-recipe').evaluateAll((els) => els.map((e) => [e.dataset.recipe, Number(e.dataset.can), Number(e.dataset.toMake)]));
  assert.deepEqual(recipes, answer.recipes.map((r) => [r.recipe_slug, r.can_make, r.to_make]));
  const limits = await page.getByTestId('limiting').evaluateAll((els) => els.map((e) => e.dataset.ingredient));
  assert.deepEqual(limits, answer.recipes.filter((r) => r.limiting).map((r) => r.limiting.ingredient));
  const units = await page.getByTestId('now-unit').evaluateAll((els) => els.map((e) => [e.dataset.unit, Number(e.dataset.can)]).sort());
  assert.deepEqual(units, answer.finished_units.map((u) => [u.slug, u.can_make]).sort());
  const toBuy = await page.locator('[data-testid=now-to-buy] li').evaluateAll((els) => els.map((e) => [e.dataset.ingredient, Number(e.dataset.toBuy)]));
  assert.deepEqual(toBuy, answer.to_buy.map((l) => [l.ingredient, l.to_buy]));
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, 'can-make-phone');
});

test('the event editor keeps and saves the buffer; the good editor shows its target margin', async () => {
  const { page } = owner;
  await visit(page, `/events/${state.slug}`, () => page.locator('#ev-buffer').waitFor(), 'event editor (buffer)');
  assert.equal(await page.locator('#ev-buffer').inputValue(), '5');
  await page.locator('#ev-buffer').fill('abc');
  await page.getByRole('button', { name: 'Save event' }).click();
  await page.locator('#ev-buffer-error').getByText(/buffer_percentage must be a number/).waitFor();
  const kept = problems.filter((p) => !(p.kind === 'console' && /status of 400/.test(p.text)));
  problems.splice(0, problems.length, ...kept);
  await page.locator('#ev-buffer').fill('10');
  await page.getByRole('button', { name: 'Save event' }).click();
  await page.getByText('Saved.').waitFor();
  const exported = (await api('export_desktop', {}, state.token)).body;
  assert.equal(Number(exported.events.find((e) => e.slug === state.slug).buffer_percentage), 10);
  assert.ok(exported.event_finished_goods.some((g) => g.finished_good_slug === GOOD), 'the event keeps its goods');
  checkScreen(page, 'event editor (buffer saved)');

  await visit(page, '/catalog', () => page.getByRole('tab', { name: 'Finished goods' }).waitFor(), 'catalog');
  await page.getByRole('tab', { name: 'Finished goods' }).click();
  await page.getByRole('button', { name: 'Edit: Cookie Tin' }).click();
  assert.equal(await page.locator('#ed-margin').inputValue(), '60');
  await page.locator('#ed-margin').fill('50');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByText('Saved.').first().waitFor();
  const cost = (await api('event_cost', { event: state.slug }, state.token)).body;
  assert.equal(cost.finished_goods.find((g) => g.slug === GOOD).target_margin_percentage, 50);
  assert.ok((await api('plan_event', { event: state.slug }, state.token)).body.recipes.length > 0, 'the good keeps its components');
  checkScreen(page, 'good editor (margin saved)');
});

test('in German: the plan\'s mixes and costs, the recipe, "bake now" and the equipment have no key or unit code left', async () => {
  const { page } = owner;
  await visit(page, '/settings', () => page.locator('#s-lang').waitFor(), 'settings');
  await page.locator('#s-lang').selectOption('de');
  try {
    for (const [path, ready, name] of [
      [`/events/${state.slug}/plan`, () => page.getByTestId('cost-total').waitFor(), 'plan (de)'],
      [`/recipes/${state.recipe}`, () => page.getByTestId('bakers').waitFor(), 'recipe (de)'],
      [`/events/${state.slug}/now`, () => page.getByTestId('now-recipe').first().waitFor(), 'bake now (de)'],
      ['/equipment', () => page.getByTestId('equipment-form-0').waitFor(), 'equipment (de)']
    ]) {
      await visit(page, path, ready, name);
      const text = await page.locator('main').innerText();
      assert.ok(!/\b(eq|cost|now|recipe|beyond|buffer|margin)\.[a-zA-Z]+/.test(text), `${name}: ${/\b(eq|cost|now|recipe|beyond|buffer|margin)\.[a-zA-Z]+/.exec(text)}`);
      assert.ok(!/\b(G21|G24|G25|LBR|GRM|QTL|H87)\b/.test(text), `${name}: a unit code`);
    }
    await visit(page, `/events/${state.slug}/plan`, () => page.getByTestId('mixes').waitFor(), 'plan (de)');
    assert.match(await page.getByTestId('mixes').innerText(), /Ansätze → \d+ Mischungen? .*in der 20-qt Hobart/);
    await page.evaluate((slug) => document.querySelector(`[data-testid="equipment-${slug}"]`).closest('article').scrollIntoView({ block: 'start' }), state.recipe);
    await shot(page, 'plan-mixes-costs-de-phone');
  } finally {
    await visit(page, '/settings', () => page.locator('#s-lang').waitFor(), 'settings');
    await page.locator('#s-lang').selectOption('en');
  }
});

test('a viewer reads the equipment and sees no edit control', async () => {
  const context = await browser.newContext({ viewport: PHONE, locale: 'en-US' });
  await watch(context, 'viewer');
  try {
    const vp = await context.newPage();
    await signUp(vp, VIEWER);
    await vp.fill('#code', state.code);
    await vp.getByRole('button', { name: 'Join' }).click();
    await vp.waitForURL((u) => u.pathname === '/');
    await vp.getByRole('heading', { name: 'Home', level: 1 }).waitFor();
    checkScreen(vp, 'home (viewer)');
    await visit(vp, '/equipment', () => vp.getByText('20-qt Hobart').waitFor(), 'equipment (viewer)');
    await vp.getByText('You can look, not change').waitFor();
    assert.equal(await vp.locator('main input, main select, main textarea').count(), 0, 'no inputs');
    for (const name of ['Save equipment', 'Add a mixer', 'Add an oven']) assert.equal(await vp.getByRole('button', { name }).count(), 0, name);
    assert.equal(await vp.getByRole('button', { name: /^Remove/ }).count(), 0, 'no remove');
    await vp.getByText(`${state.recipeName}: 8 quarts a batch`).waitFor();
    const refused = await api('save_equipment', { equipment: [{ name: 'Sneaky', kind: 'oven', pans_per_load: 2 }] }, await idToken(VIEWER));
    assert.equal(refused.status, 403);
  } finally {
    await context.close();
  }
});
