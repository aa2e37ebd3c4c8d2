"""Reference weights of common baking ingredients, for ingredients the bakery has not weighed.

Each entry states what its public source states (e.g. "1/2 cup = 43 g", "1 large = 50 g"),
as exact decimals, and names that source. The table is used only where a bakery's
ingredient has no density (or no weight per piece) of its own; it never overrides the
baker's value and is never exported as the baker's (see docs/planning.md, "Reference densities").

Matching is by exact keys (core.measures.reference_names): no substrings, no guessing from a head
word. "Peanut butter" is not "butter"; "Ginger, fresh" is not ground ginger.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from core.measures.reference_names import name_keys, slug_key, written_key
from core.measures.units import UNITS, Density, parse_unit


@dataclass(frozen=True, slots=True)
class Source:
    name: str
    url: str

    @property
    def citation(self) -> str:
        return f"{self.name}, {self.url}"


KING_ARTHUR = Source(
    "King Arthur Baking, Ingredient Weight Chart", "https://www.kingarthurbaking.com/learn/ingredient-weight-chart"
)


def _fdc(fdc_id: int, description: str) -> Source:
    return Source(f"USDA FoodData Central, FDC {fdc_id} ({description})",
                  f"https://fdc.nal.usda.gov/food-details/{fdc_id}/measures")


def _sr(description: str, ndb: str = "") -> Source:
    """USDA SR Legacy foods cited by description (and NDB number where known)."""
    number = f", NDB {ndb}" if ndb else ""
    return Source(f"USDA FoodData Central, SR Legacy{number} ({description})", "https://fdc.nal.usda.gov/")


@dataclass(frozen=True, slots=True)
class ReferenceEntry:
    """One ingredient of the table: a stated volume's weight and/or one piece's weight."""

    name: str
    source: Source
    aliases: tuple[str, ...] = ()
    measure: str = ""  # the volume the source weighs, as it states it: "1/2 cup", "2 1/4 tsp"
    grams: Decimal | None = None  # the weight of `measure`
    piece: str = ""  # what one counted item is: "1 large egg", "1 stick (8 tbsp)"
    grams_per_item: Decimal | None = None
    note: str = ""

    @property
    def density(self) -> Density | None:
        if self.grams is None:
            return None
        quantity, unit = _parse_measure(self.measure)
        return Density.from_fields(quantity, unit, self.grams, "GRM")

    @property
    def grams_per_cup(self) -> Decimal | None:
        """Exact: the chart's measures are cups, tablespoons (1/16 cup) and teaspoons (1/48 cup)."""
        if self.grams is None:
            return None
        quantity, unit = _parse_measure(self.measure)
        return self.grams * (UNITS["G21"].to_base / UNITS[unit].to_base) / quantity

    @property
    def stated(self) -> str:
        """What the source says, for people: "1/2 tsp = 3 g"."""
        said = []
        if self.grams is not None:
            said.append(f"{self.measure} = {self.grams} g")
        if self.grams_per_item is not None:
            said.append(f"{self.piece} = {self.grams_per_item} g")
        return "; ".join(said)


def _parse_measure(measure: str) -> tuple[Decimal, str]:
    """ "2 1/4 tsp" → (2.25, "G25"); only halves, quarters and eighths occur, so it is exact."""
    *numbers, word = measure.split()
    total = Decimal(0)
    for number in numbers:
        top, _, bottom = number.partition("/")
        total += Decimal(top) / Decimal(bottom or 1)
    return total, parse_unit(word).code


KA = KING_ARTHUR


def _v(name: str, measure: str, grams: str, *aliases: str, source: Source = KA, note: str = "") -> ReferenceEntry:
    return ReferenceEntry(name, source, aliases, measure, Decimal(grams), note=note)


def _p(name: str, piece: str, grams: str, *aliases: str, source: Source = KA, note: str = "") -> ReferenceEntry:
    return ReferenceEntry(name, source, aliases, piece=piece, grams_per_item=Decimal(grams), note=note)


ENTRIES: tuple[ReferenceEntry, ...] = (
    # Flours, meals and starches (King Arthur: spooned into the cup and levelled)
    _v("all-purpose flour", "1 cup", "120", "flour, all-purpose", "flour, all purpose", "ap flour", "plain flour",
       "unbleached all-purpose flour", "bleached all-purpose flour", "flour, all-purpose, unbleached", "flour"),
    _v("bread flour", "1 cup", "120", "flour, bread", "unbleached bread flour", "artisan bread flour"),
    _v("high-gluten flour", "1 cup", "120", "flour, high-gluten", "high gluten flour"),
    _v("cake flour", "1 cup", "120", "flour, cake", "unbleached cake flour"),
    _v("pastry flour", "1 cup", "106", "flour, pastry"),
    _v("whole wheat flour", "1 cup", "113", "flour, whole wheat", "wholemeal flour", "whole-wheat flour"),
    _v("white whole wheat flour", "1 cup", "113", "flour, white whole wheat"),
    _v("whole wheat pastry flour", "1 cup", "96", "flour, whole wheat pastry", "graham flour"),
    _v("self-rising flour", "1 cup", "113", "flour, self-rising", "self-raising flour"),
    _v("00 pizza flour", "1 cup", "116", "00 flour", "tipo 00 flour", "flour, 00"),
    _v("rye flour", "1 cup", "106", "flour, rye", "medium rye flour", "white rye flour", "flour, rye, medium"),
    _v("pumpernickel flour", "1 cup", "106", "flour, pumpernickel"),
    _v("spelt flour", "1 cup", "99", "flour, spelt"),
    _v("semolina flour", "1 cup", "163", "flour, semolina", "semolina"),
    _v("durum flour", "1 cup", "124", "flour, durum"),
    _v("almond flour", "1 cup", "96", "flour, almond", "blanched almond flour"),
    _v("almond meal", "1 cup", "84", "meal, almond"),
    _v("hazelnut flour", "1 cup", "89", "flour, hazelnut"),
    _v("coconut flour", "1 cup", "128", "flour, coconut"),
    _v("oat flour", "1 cup", "92", "flour, oat"),
    _v("buckwheat flour", "1 cup", "120", "flour, buckwheat"),
    _v("brown rice flour", "1 cup", "128", "flour, brown rice"),
    _v("white rice flour", "1 cup", "142", "rice flour", "flour, rice", "flour, white rice"),
    _v("sorghum flour", "1 cup", "138", "flour, sorghum"),
    _v("teff flour", "1 cup", "135", "flour, teff"),
    _v("quinoa flour", "1 cup", "110", "flour, quinoa"),
    _v("amaranth flour", "1 cup", "103", "flour, amaranth"),
    _v("barley flour", "1 cup", "85", "flour, barley"),
    _v("chickpea flour", "1 cup", "85", "flour, chickpea", "garbanzo bean flour", "gram flour"),
    _v("soy flour", "1/4 cup", "35", "flour, soy"),
    _v("potato flour", "1/4 cup", "46", "flour, potato"),
    _v("pecan meal", "1 cup", "80", "meal, pecan"),
    _v("whole grain cornmeal", "1 cup", "138", "cornmeal, whole grain", "whole cornmeal", "cornmeal, whole"),
    _v("polenta", "1 cup", "163", "coarse ground cornmeal", "cornmeal, coarse"),
    _v("vital wheat gluten", "2 tbsp", "18", "wheat gluten"),
    _v("cornstarch", "1/4 cup", "28", "corn starch", "starch, corn"),
    _v("potato starch", "1 cup", "152", "starch, potato"),
    _v("tapioca starch", "1 cup", "113", "tapioca flour", "starch, tapioca", "flour, tapioca"),
    _v("instant clearjel", "1 tbsp", "11", "clearjel, instant"),
    _v("wheat germ", "1/4 cup", "28"),
    _v("wheat bran", "1/2 cup", "32", "bran, wheat"),
    _v("oat bran", "1/2 cup", "53", "bran, oat"),
    _v("rolled oats", "1 cup", "89", "oats, rolled", "old-fashioned oats", "old fashioned rolled oats", "oats",
       "quick oats", "oats, quick", "quick-cooking oats", "oats, quick-cooking", "oats, old-fashioned",
       note="King Arthur weighs old-fashioned and quick-cooking oats alike"),
    _v("steel cut oats", "1/2 cup", "70", "oats, steel cut", "steel-cut oats"),
    # Sugars
    _v("granulated sugar", "1 cup", "198", "sugar", "sugar, granulated", "white sugar", "sugar, white",
       "granulated white sugar", "sugar, granulated white"),
    _v("superfine sugar", "1 cup", "190", "sugar, superfine", "caster sugar", "castor sugar", "baker's sugar",
       "baker's special sugar"),
    _v("brown sugar", "1 cup", "213", "sugar, brown", "packed brown sugar", "brown sugar, packed",
       note="packed; King Arthur weighs light and dark alike"),
    _v("light brown sugar", "1 cup", "213", "sugar, brown light", "sugar, light brown", "brown sugar, light",
       "light brown sugar, packed", note="packed"),
    _v("dark brown sugar", "1 cup", "213", "sugar, brown dark", "sugar, dark brown", "brown sugar, dark",
       "dark brown sugar, packed", note="packed"),
    _v("confectioners' sugar", "2 cup", "227", "powdered sugar", "sugar, powdered", "sugar, confectioners",
       "confectioners sugar", "icing sugar", "sugar, icing", "10x sugar", note="unsifted"),
    _v("turbinado sugar", "1 cup", "180", "sugar, turbinado", "raw sugar", "sugar, raw", "sugar in the raw"),
    _v("demerara sugar", "1 cup", "220", "sugar, demerara"),
    _v("sparkling sugar", "1/4 cup", "57", "sugar, sparkling", "sparkling white sugar"),
    _v("coconut sugar", "1/2 cup", "77", "sugar, coconut"),
    _v("maple sugar", "1/2 cup", "78", "sugar, maple"),
    _v("cinnamon sugar", "1/4 cup", "50", "cinnamon-sugar", "sugar, cinnamon"),
    # Syrups and liquid sweeteners
    _v("honey", "1 tbsp", "21", "clover honey", "honey, clover"),
    _v("molasses", "1/4 cup", "85", "molasses, light", "light molasses", "molasses, dark", "dark molasses",
       "unsulphured molasses", "molasses, unsulphured", "fancy molasses",
       note="not blackstrap, which the chart does not weigh"),
    _v("corn syrup", "1 cup", "312", "corn syrup, light", "light corn syrup", "corn syrup, dark", "dark corn syrup"),
    _v("maple syrup", "1/2 cup", "156", "syrup, maple", "pure maple syrup"),
    _v("malt syrup", "2 tbsp", "43", "barley malt syrup", "syrup, malt"),
    _v("boiled cider", "1/4 cup", "85", "cider, boiled"),
    # Fats
    ReferenceEntry("butter", KA, ("unsalted butter", "butter, unsalted", "salted butter", "butter, salted",
                                  "sweet cream butter", "butter, sweet cream"),
                   "8 tbsp", Decimal(113), "1 stick (8 tbsp)", Decimal(113), note="a counted piece is a US stick"),
    _v("vegetable oil", "1 cup", "198", "oil, vegetable", "canola oil", "oil, canola", "sunflower oil",
       "oil, sunflower", "safflower oil", "oil, safflower", "corn oil", "oil, corn", "soybean oil", "oil, soybean",
       "grapeseed oil", "oil, grapeseed", "peanut oil", "oil, peanut",
       note="King Arthur's vegetable-oil weight, used for the common neutral seed oils"),
    _v("olive oil", "1/4 cup", "50", "oil, olive", "extra virgin olive oil", "extra-virgin olive oil",
       "oil, olive, extra virgin"),
    _v("coconut oil", "1/2 cup", "113", "oil, coconut"),
    _v("vegetable shortening", "1/4 cup", "46", "shortening", "shortening, vegetable", "crisco"),
    _v("palm shortening", "1/4 cup", "45", "shortening, palm"),
    _v("lard", "1/2 cup", "113"),
    _v("mayonnaise", "1/2 cup", "113", "mayo"),
    # Dairy
    _v("milk", "1 cup", "227", "whole milk", "milk, whole", "2% milk", "milk, 2%", "1% milk", "milk, 1%",
       "skim milk", "milk, skim", "nonfat milk", "milk, nonfat", "low-fat milk", "milk, low-fat", "fresh milk",
       note="fresh fluid milk, any fat level"),
    _v("buttermilk", "1 cup", "227", "milk, buttermilk", "cultured buttermilk", "buttermilk, cultured"),
    _v("heavy cream", "1 cup", "227", "cream, heavy", "heavy whipping cream", "cream, heavy whipping",
       "whipping cream", "cream, whipping", "light cream", "cream, light", "half and half", "half & half",
       "half-and-half", note="King Arthur weighs heavy cream, light cream and half & half alike"),
    _v("sour cream", "1 cup", "227", "cream, sour"),
    _v("yogurt", "1 cup", "227", "plain yogurt", "yogurt, plain", "yoghurt", "plain yoghurt"),
    _v("cream cheese", "1 cup", "227", "cheese, cream"),
    _v("mascarpone", "1 cup", "227", "mascarpone cheese", "cheese, mascarpone"),
    _v("ricotta", "1 cup", "227", "ricotta cheese", "cheese, ricotta"),
    _v("evaporated milk", "1/2 cup", "113", "milk, evaporated"),
    _v("sweetened condensed milk", "1/4 cup", "78", "milk, condensed sweetened", "milk, sweetened condensed",
       "condensed milk", "milk, condensed"),
    _v("nonfat dry milk", "1/4 cup", "28", "milk powder, nonfat", "nonfat milk powder", "dried nonfat milk",
       "dry milk", "milk, dry", "powdered milk", "milk, powdered", "skim milk powder", "instant nonfat dry milk"),
    _v("whole milk powder", "1/2 cup", "50", "milk powder, whole", "dried whole milk", "dry whole milk",
       "powdered whole milk"),
    _v("buttermilk powder", "2 tbsp", "18", "powdered buttermilk", "dry buttermilk", "buttermilk, powdered"),
    _v("malted milk powder", "1/4 cup", "35", "powdered milk, malted", "malted milk", "milk powder, malted"),
    _v("shredded cheddar cheese", "1 cup", "113", "cheddar, shredded", "cheddar cheese, shredded",
       "cheddar cheese, grated", "grated cheddar cheese"),
    _v("grated parmesan", "1/2 cup", "50", "parmesan, grated", "parmesan cheese, grated", "grated parmesan cheese"),
    _v("feta", "1/2 cup", "57", "feta cheese", "cheese, feta", "crumbled feta"),
    # Leaveners and stabilisers
    _v("baking powder", "1 tsp", "4", "double-acting baking powder"),
    _v("baking soda", "1/2 tsp", "3", "bicarbonate of soda", "sodium bicarbonate", "bicarb", "soda, baking"),
    _v("instant yeast", "2 1/4 tsp", "7", "yeast, instant", "rapid rise yeast", "rapid-rise yeast",
       "bread machine yeast", "yeast, rapid rise"),
    _v("cream of tartar", "1 tsp", "3", "tartar, cream of", source=_sr("Leavening agents, cream of tartar")),
    _v("meringue powder", "1/4 cup", "43"),
    # Salts. Kosher salts differ by brand by a factor of two (Diamond Crystal 8 g, Morton 16 g a tablespoon).
    _v("table salt", "1 tbsp", "18", "salt", "salt, table", "fine salt", "salt, fine", "iodized salt",
       "salt, iodized", "fine table salt"),
    _v("diamond crystal kosher salt", "1 tbsp", "8", "kosher salt, diamond crystal", "salt, kosher, diamond crystal"),
    _v("morton kosher salt", "1 tbsp", "16", "kosher salt, morton", "kosher salt, mortons", "salt, kosher, morton"),
    _v("kosher salt", "1 tbsp", "16", "salt, kosher", "coarse kosher salt",
       note="generic kosher salt takes Morton's weight (16 g a tablespoon), the denser brand: it never makes the "
            "baker buy too little; Diamond Crystal weighs 8 g; set the bakery's own density to be exact"),
    # Spices (USDA household measures, ground)
    _v("ground cinnamon", "1 tsp", "2.6", "cinnamon", "cinnamon, ground",
       source=_fdc(171320, "Spices, cinnamon, ground")),
    _v("ground ginger", "1 tsp", "1.8", "ginger, ground", "ginger powder", "powdered ginger",
       source=_fdc(170926, "Spices, ginger, ground")),
    _v("ground nutmeg", "1 tsp", "2.2", "nutmeg", "nutmeg, ground", source=_fdc(171326, "Spices, nutmeg, ground")),
    _v("ground cloves", "1 tsp", "2.1", "cloves, ground", "ground clove",
       source=_sr("Spices, cloves, ground", "02011")),
    _v("ground allspice", "1 tsp", "1.9", "allspice", "allspice, ground",
       source=_sr("Spices, allspice, ground", "02001")),
    _v("ground cardamom", "1 tsp", "2", "cardamom", "cardamom, ground", source=_sr("Spices, cardamom", "02006")),
    _v("ground black pepper", "1 tsp", "2.3", "black pepper", "pepper, black", "pepper, black ground",
       "pepper, black, ground", source=_fdc(170931, "Spices, pepper, black")),
    _v("pumpkin pie spice", "1 tsp", "1.7", "spice, pumpkin pie", "pumpkin spice",
       source=_sr("Spices, pumpkin pie spice")),
    _v("espresso powder", "1 tbsp", "7", "instant espresso powder", "espresso powder, instant"),
    # Seeds
    _v("poppy seeds", "2 tbsp", "18", "seeds, poppy"),
    _v("sesame seeds", "1/2 cup", "71", "seeds, sesame"),
    _v("sunflower seeds", "1/4 cup", "35", "seeds, sunflower", "sunflower kernels"),
    _v("flaxseed", "1/4 cup", "35", "flaxseed, whole", "whole flaxseed", "flax seeds", "flax seed", "seeds, flax"),
    _v("flax meal", "1/2 cup", "50", "flaxseed meal", "ground flaxseed", "flaxseed, ground", "meal, flaxseed"),
    _v("caraway seeds", "2 tbsp", "18", "seeds, caraway"),
    # Cocoa and chocolate
    _v("cocoa powder", "1/2 cup", "42", "cocoa", "unsweetened cocoa", "unsweetened cocoa powder",
       "cocoa powder, unsweetened", "natural cocoa powder", "cocoa powder, natural", "dutch-process cocoa",
       "dutch-process cocoa powder", "dutch-processed cocoa powder", "cocoa powder, dutch-processed",
       "cocoa powder, dutch-process", note="unsweetened, natural or Dutch-process"),
    _v("chocolate chips", "1 cup", "170", "semisweet chocolate chips", "semi-sweet chocolate chips",
       "chocolate chips, semi-sweet", "chocolate chips, semisweet", "bittersweet chocolate chips",
       "chocolate chips, bittersweet", "dark chocolate chips", "chocolate chips, dark", "milk chocolate chips",
       "chocolate chips, milk", "chocolate morsels", "semi-sweet chocolate morsels", "semisweet chocolate morsels"),
    _v("white chocolate chips", "1 cup", "170", "chocolate chips, white", "white chips"),
    _v("mini chocolate chips", "1 cup", "177", "mini chocolate chips, semi-sweet", "mini semisweet chocolate chips",
       "mini semi-sweet chocolate chips", "chocolate chips, mini"),
    _v("chocolate chunks", "1 cup", "170", "chocolate chunks, semi-sweet", "semi-sweet chocolate chunks",
       "chocolate chunks, semisweet", "chocolate chunks, bittersweet", "chocolate chunks, dark"),
    _v("chopped chocolate", "1 cup", "170", "chocolate, chopped"),
    _v("cacao nibs", "1 cup", "120", "cocoa nibs", "chocolate, cocoa nibs", "nibs, cacao"),
    _v("toffee bits", "1 cup", "156", "toffee chunks", "heath bits", "chopped toffee"),
    _v("hazelnut spread", "1/2 cup", "160", "chocolate hazelnut spread", "hazelnut cocoa spread", "nutella"),
    _v("peanut butter", "1/2 cup", "135", "peanut butter, smooth", "peanut butter, creamy", "creamy peanut butter",
       "smooth peanut butter", "peanut butter, crunchy", "crunchy peanut butter", "butter, peanut"),
    _v("tahini", "1/2 cup", "128", "tahini paste"),
    _v("almond paste", "1 cup", "259", "paste, almond", note="packed"),
    _v("marzipan", "1 cup", "290"),
    _v("mini marshmallows", "1 cup", "43", "marshmallows, mini", "miniature marshmallows", "marshmallows, miniature"),
    _v("marshmallow fluff", "1 cup", "128", "fluff, marshmallow"),
    # Nuts: a bare nut name is matched only where the chart weighs its forms alike (cashews).
    _v("whole almonds", "1 cup", "142", "almonds, whole", "whole unblanched almonds", "almonds, whole unblanched"),
    _v("sliced almonds", "1/2 cup", "43", "almonds, sliced"),
    _v("slivered almonds", "1/2 cup", "57", "almonds, slivered"),
    _v("chopped pecans", "1/2 cup", "57", "pecans, chopped", "diced pecans", "pecans, diced"),
    _v("chopped walnuts", "1 cup", "113", "walnuts, chopped"),
    _v("whole walnuts", "1/2 cup", "64", "walnuts, whole", "walnut halves", "walnuts, halves", "walnut halves"),
    _v("whole hazelnuts", "1 cup", "142", "hazelnuts, whole", "whole filberts"),
    _v("cashews", "1 cup", "113", "cashews, whole", "whole cashews", "cashews, chopped", "chopped cashews",
       "cashew nuts", note="King Arthur weighs whole and chopped cashews alike"),
    _v("whole macadamia nuts", "1 cup", "149", "macadamia nuts, whole"),
    _v("shelled peanuts", "1 cup", "142", "peanuts, whole", "whole peanuts", "peanuts, shelled",
       "peanuts, whole shelled"),
    _v("pine nuts", "1/2 cup", "71", "pignoli", "nuts, pine"),
    _v("shelled pistachios", "1/2 cup", "60", "pistachios, shelled", "pistachio nuts, shelled",
       "shelled pistachio nuts"),
    # Coconut
    _v("sweetened shredded coconut", "1 cup", "85", "coconut, shredded sweetened", "coconut, sweetened shredded",
       "shredded sweetened coconut", "sweetened coconut, shredded"),
    _v("unsweetened shredded coconut", "1 cup", "53", "coconut, shredded unsweetened",
       "coconut, unsweetened shredded", "shredded unsweetened coconut"),
    _v("unsweetened desiccated coconut", "1 cup", "85", "coconut, desiccated", "desiccated coconut",
       "coconut, unsweetened desiccated"),
    _v("unsweetened large coconut flakes", "1 cup", "60", "coconut, unsweetened large flakes",
       "large flake coconut", "coconut chips, unsweetened"),
    # Dried and candied fruit
    _v("raisins", "1 cup", "149", "raisins, loose", "loose raisins", note="loose, not packed"),
    _v("currants", "1 cup", "142", "currants, dried", "dried currants", "zante currants"),
    _v("dried cranberries", "1/2 cup", "57", "cranberries, dried", "craisins", "sweetened dried cranberries"),
    _v("dried cherries", "1/2 cup", "71", "cherries, dried", "dried tart cherries"),
    _v("diced dried apricots", "1/2 cup", "64", "apricots, dried, diced", "dried apricots, diced"),
    _v("chopped dates", "1 cup", "149", "dates, chopped"),
    _v("chopped dried figs", "1 cup", "149", "figs, dried, chopped", "dried figs, chopped"),
    _v("dried pineapple", "1/2 cup", "71", "pineapple, dried"),
    _v("diced dried apples", "1 cup", "85", "apples, dried, diced", "dried apples, diced"),
    _v("dried blueberries", "1 cup", "156", "blueberries, dried"),
    _v("candied peel", "1/2 cup", "85", "candied citrus peel", "citrus peel, candied", "candied orange peel",
       "candied lemon peel", "mixed peel", "peel, candied"),
    _v("candied cherries", "1/4 cup", "50", "cherries, candied", "glace cherries", "glacé cherries"),
    _v("crystallized ginger", "1/2 cup", "92", "candied ginger", "ginger, crystallized", "ginger, candied"),
    # Fruit
    _v("fresh blueberries", "1 cup", "170", "blueberries", "blueberries, fresh"),
    _v("fresh raspberries", "1 cup", "120", "raspberries", "raspberries, fresh"),
    _v("cranberries", "1 cup", "99", "fresh cranberries", "cranberries, fresh", "frozen cranberries",
       "cranberries, frozen", note="fresh or frozen"),
    _v("sliced strawberries", "1 cup", "167", "strawberries, sliced", "fresh sliced strawberries"),
    _v("mashed banana", "1 cup", "227", "bananas, mashed", "banana, mashed", "mashed bananas"),
    _v("applesauce", "1 cup", "255", "apple sauce", "applesauce, unsweetened", "unsweetened applesauce"),
    _v("pumpkin puree", "1 cup", "227", "pumpkin purée", "canned pumpkin", "pumpkin, canned", "pumpkin, puree"),
    _v("jam", "1/4 cup", "85", "preserves", "jam or preserves", "fruit preserves"),
    _v("lemon juice", "1 cup", "244", "juice, lemon", "fresh lemon juice", source=_fdc(167747, "Lemon juice, raw")),
    _v("lime juice", "1 cup", "242", "juice, lime", "fresh lime juice", source=_fdc(168156, "Lime juice, raw")),
    _v("key lime juice", "1 cup", "227", "juice, key lime"),
    _v("water", "1 cup", "227", "tap water", "water, tap"),
    # Crumbs, cereals
    _v("graham cracker crumbs", "1 cup", "99", "graham crumbs", "crumbs, graham cracker", note="boxed crumbs"),
    _v("cookie crumbs", "1 cup", "85", "crumbs, cookie"),
    _v("panko", "1 cup", "50", "panko bread crumbs", "japanese bread crumbs"),
    _v("dried bread crumbs", "1/4 cup", "28", "bread crumbs, dried", "dry bread crumbs"),
    _v("crisp rice cereal", "1 cup", "28", "rice krispies", "rice cereal, crisp"),
    _v("granola", "1 cup", "113"),
    # Extracts
    _v("vanilla extract", "1 tbsp", "14", "extract, vanilla", "pure vanilla extract", "vanilla extract, pure"),
    # Counted things: the weight of one piece
    _p("egg", "1 large egg", "50", "eggs", "eggs, whole", "whole eggs", "whole egg", "egg, whole", "large eggs",
       "large egg", "eggs, large", "egg, large", "eggs, whole, large"),
    _p("egg yolk", "1 large yolk", "14", "egg yolks", "yolks", "egg, yolk", "yolk", "large egg yolks"),
    _p("egg white", "1 large white", "35", "egg whites", "egg, white", "large egg whites"),
    _p("banana", "1 medium banana (7-8 in)", "118", "bananas", "banana, whole", "bananas, whole",
       source=_fdc(173944, "Bananas, raw")),
    _p("apple", "1 medium apple (3 in)", "182", "apples", "apple, whole", "apples, whole",
       source=_fdc(171688, "Apples, raw, with skin")),
    _p("orange", "1 medium orange (2 5/8 in)", "131", "oranges", "orange, whole", "oranges, whole",
       source=_sr("Oranges, raw, all commercial varieties")),
    _p("lime", "1 lime (2 in)", "67", "limes", "lime, whole", "limes, whole", source=_sr("Limes, raw")),
)


def _index() -> tuple[dict[str, ReferenceEntry], dict[str, ReferenceEntry]]:
    """Display-name keys and slug keys of every entry. A key claimed by two entries is a table error."""
    by_name: dict[str, ReferenceEntry] = {}
    by_slug: dict[str, ReferenceEntry] = {}
    for entry in ENTRIES:
        for text in (entry.name, *entry.aliases):
            for key in name_keys(text):
                _claim(by_name, key, entry)
            _claim(by_slug, written_key(text), entry)
    return by_name, by_slug


def _claim(index: dict[str, ReferenceEntry], key: str, entry: ReferenceEntry) -> None:
    held = index.setdefault(key, entry)
    if held is not entry:
        raise ValueError(f"reference key {key!r} names both {held.name!r} and {entry.name!r}")


_BY_NAME, _BY_SLUG = _index()


@lru_cache(maxsize=4096)
def reference_for(slug: str, display_name: str) -> ReferenceEntry | None:
    """The table's entry for an ingredient, or None. The display name decides; the slug is
    used when the name finds nothing; when the two find different entries, neither is used."""
    named = {_BY_NAME[key] for key in name_keys(display_name) if key in _BY_NAME}
    by_slug = _BY_SLUG.get(slug_key(slug)) if slug else None
    if len(named) > 1:
        return None
    if named:
        found = next(iter(named))
        return found if by_slug is None or by_slug is found else None
    return by_slug
