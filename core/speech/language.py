"""Which language a sentence is in, well enough to know when the offline grammar (English only) must not read it.

The offline grammar turns English into operations; given "Ich habe 2 kg Mehl bei Lidl gekauft" it would make
an item of the words it cannot place. So before reading, a sentence is scored against short lists of each
language's most frequent function words (articles, pronouns, prepositions, auxiliaries) and of its baking and
shopping words; letters that English does not use (ä, ß, é, ç, ñ, ...) add weight. A sentence is another
language when that language has at least two distinctive words and more of them than English. Store and brand
names ("Lidl", "Carrefour") are neither, so an English sentence about a German store stays English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.errors import ValidationError

NAMES = {"en": "English", "de": "German", "fr": "French", "nl": "Dutch", "es": "Spanish", "it": "Italian",
         "pt": "Portuguese", "sv": "Swedish", "da": "Danish", "pl": "Polish"}



def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_WORDS: dict[str, frozenset[str]] = {
    "en": _words("""i we you he she it they the a an of and or at for from to in on with is are was were be
        been have has had bought buy got get paid spent left some about only just there that this our my
        its it's we've i've there's half quarter third full empty out need pounds pound ounces dozen cups cup
        each apiece bag bags box jar bottle store sale market party yesterday today tomorrow"""),
    "de": _words("""ich wir du er sie es habe haben hat hatte bin ist sind war der die das den dem des ein
        eine einen einem einer und oder bei beim für fuer mit von vom zum zur im am auf aus noch nur etwa
        ungefähr gekauft kaufte eingekauft bezahlt kostet kosteten euro stück packung packungen tüte dose
        glas flasche mehl zucker butter eier milch hefe sahne quark salz gramm kilo liter hälfte halb
        viertel drittel leer voll alle übrig mehr kein keine brauchen brauche backen markt weihnachtsmarkt
        dutzend morgen gestern heute nächsten nächste samstag sonntag montag dienstag mittwoch donnerstag
        freitag dezember januar november"""),
    "fr": _words("""je j'ai nous vous il elle ils elles ai avons avez a ont est sont était le la les l' un
        une des du de d' au aux et ou chez pour avec dans sur sans encore reste restent il reste environ à peu
        près acheté achetée achetés payé coûté euros paquet paquets sachet boîte pot bouteille farine sucre
        beurre oeufs œufs lait levure crème sel grammes kilo kilos litre litres moitié quart tiers vide plein
        plus demain hier aujourd'hui prochain samedi dimanche lundi mardi mercredi jeudi vendredi décembre
        janvier novembre douzaine douzaines gâteaux marché noël kermesse"""),
    "nl": _words("""ik wij we jij je hij zij ze heb hebben heeft had ben is zijn was de het een van en of bij
        voor met uit op aan nog maar ongeveer gekocht betaald kost kostte euro pak pakken zak doos pot fles
        bloem suiker boter eieren melk gist room zout gram kilo liter helft half kwart derde leeg vol op
        meer geen nodig bakken markt kerstmarkt dozijn morgen gisteren vandaag volgende zaterdag zondag
        maandag dinsdag woensdag donderdag vrijdag december januari november"""),
    "es": _words("""yo nosotros he hemos ha han es son era el la los las un una unos unas de del y o en con
        para por sin todavía queda quedan unos comprado compré compramos pagado cuesta euros paquete bolsa
        caja tarro botella harina azúcar mantequilla huevos leche levadura nata sal gramos kilo kilos litro
        mitad cuarto tercio vacío lleno más mañana ayer hoy próximo sábado domingo lunes martes miércoles
        jueves viernes diciembre enero noviembre docena docenas mercado"""),
    "it": _words("""io noi ho abbiamo ha hanno è sono era il lo la i gli le un uno una di del della dei e o
        in con per da al alla ancora resta restano circa comprato comprata comprati pagato costa euro
        pacco pacchi sacchetto scatola barattolo bottiglia farina zucchero burro uova latte lievito panna
        sale grammi chilo chili litro metà quarto terzo vuoto pieno più domani ieri oggi prossimo sabato
        domenica lunedì martedì mercoledì giovedì venerdì dicembre gennaio novembre dozzina dozzine
        mercato"""),
    "sv": _words("""jag vi du han hon de det har hade är var köpte köpt köpa betalade kostade och eller på i
        för med från till av hos om ungefär nästan kvar slut behöver behövde den ett en några mjöl socker smör
        ägg mjölk jäst grädde salt kronor kr paket påse burk flaska halva hälften fjärdedel tom full imorgon
        igår idag nästa lördag söndag måndag tisdag onsdag torsdag fredag december januari november dussin
        bullar kakor marknad julmarknad"""),
    "da": _words("""jeg vi du han hun de det har havde er var købte købt købe betalte kostede og eller på i for
        med fra til af hos om omkring næsten tilbage brug behøver den et en nogle mel sukker smør æg mælk gær
        fløde salt kroner kr pakke pose dåse flaske halvdelen halv kvart tom fuld imorgen i går i dag næste
        lørdag søndag mandag tirsdag onsdag torsdag fredag december januar november dusin boller kager
        marked julemarked"""),
    "pl": _words("""ja my ty on ona oni mam mamy miałem kupiłem kupiłam kupiliśmy zapłaciłem kosztowało jest są
        był i lub albo w we na za do od z ze u o około prawie zostało zostało zostały brakuje potrzebujemy
        potrzebuję mąki mąka cukru cukier masła masło jajek jajka mleka mleko drożdży śmietany soli złotych zł
        paczki paczka paczek torebka słoik butelka połowa pół ćwierć pusty pełny jutro wczoraj dzisiaj
        następny sobota niedziela poniedziałek wtorek środa czwartek piątek grudnia stycznia listopada tuzin
        tuzina ciastek pierniczków jarmark"""),
    "pt": _words("""eu nós comprei compramos tenho temos tem é são o os as um uma de do da dos das e ou em
        com para por sem ainda resta cerca pago custa euros pacote saco caixa frasco garrafa farinha açúcar
        manteiga ovos leite fermento natas sal gramas quilo quilos litro metade vazio cheio mais amanhã ontem
        hoje próximo sábado domingo dezembro janeiro novembro dúzia dúzias mercado"""),
}
# Words English speakers in Europe use too ("2 kilo of butter for 3 euro"): evidence for no language.
_SHARED = _words("kilo kilos liter litre litres gram grams euro euros butter sal salt quark markt dozen")
# Letters English words do not use (a name such as "Müller" alone is not enough: one letter weighs one word).
_LETTERS = {"de": "äöüß", "fr": "éèêëàâçîïôûœ", "nl": "ëï", "es": "ñáéíóú¿¡", "it": "àèéìòù",
            "pt": "ãõçáéíóúâêô", "sv": "åäö", "da": "æøå", "pl": "ąćęłńóśźż"}
_TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    code: str  # "en", "de", ...
    name: str  # "English", "German", ...
    evidence: tuple[str, ...]  # the words that told


def _distinctive(words: list[str], code: str) -> list[str]:
    """Words of `code` that English does not also use ("die", "was", "on" count for English too)."""
    english = _WORDS["en"]
    return [w for w in words if w in _WORDS[code] and w not in english and w not in _SHARED]


def guess_language(text: str) -> LanguageGuess:
    """The sentence's language; English unless another language has clear evidence."""
    lowered = text.lower().replace("’", "'")
    words = _TOKEN.findall(lowered)
    english = [w for w in words if w in _WORDS["en"]]
    best: LanguageGuess | None = None
    best_score = 0.0
    for code in _WORDS:
        if code == "en":
            continue
        found = _distinctive(words, code)
        letters = sum(1 for ch in lowered if ch in _LETTERS.get(code, ""))
        score = len(found) + min(letters, 2) * 0.75
        if len(found) >= 2 and score > len(english) and score > best_score:
            best, best_score = LanguageGuess(code, NAMES[code], tuple(dict.fromkeys(found))), score
    return best or LanguageGuess("en", NAMES["en"], tuple(dict.fromkeys(english)))


class OtherLanguage(ValidationError):
    """A sentence the offline grammar must not read: it is in a language it does not speak."""

    code = "language_not_supported"

    def __init__(self, guess: LanguageGuess) -> None:
        super().__init__(f"this sounds like {guess.name} (“{' '.join(guess.evidence[:4])}”): the offline reader "
                         "understands English only. Say it in English, or have the bakery's owner turn on the AI "
                         "service (GEMINI_API_KEY), which reads German, French, Dutch and other languages",
                         field="text")
        self.language = guess.code


def refuse_other_language(text: str) -> None:
    """Raise OtherLanguage when `text` is clearly not English."""
    guess = guess_language(text)
    if guess.code != "en":
        raise OtherLanguage(guess)
