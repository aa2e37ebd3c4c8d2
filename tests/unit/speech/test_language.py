"""The offline grammar reads English only: other languages are recognised and refused, English never is."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.speech.language import OtherLanguage, guess_language, refuse_other_language

CORPUS = Path(__file__).with_name("corpus.json")

OTHER = [
    ("Ich habe 2 kg Mehl bei Lidl für 3,50 Euro gekauft", "de"),
    ("Die Butter ist alle", "de"),
    ("Noch 3 Eier übrig", "de"),
    ("Weihnachtsmarkt am 12. Dezember: 5 Dutzend Lebkuchen", "de"),
    ("J'ai acheté deux paquets de beurre chez Carrefour", "fr"),
    ("Il reste environ un quart de la farine", "fr"),
    ("Nous avons besoin de 3 douzaines de croissants pour samedi", "fr"),
    ("Ik heb 3 pakken bloem gekocht bij Albert Heijn", "nl"),
    ("We hebben nog 6 eieren en de suiker is op", "nl"),
    ("He comprado dos kilos de harina en Mercadona por 3 euros", "es"),
    ("Ho comprato due chili di farina alla Coop", "it"),
    ("Comprei dois quilos de farinha no Continente", "pt"),
    ("Jag köpte två kilo mjöl på ICA för 39 kronor", "sv"),
    ("Jeg købte to kilo mel i Netto for 20 kroner", "da"),
    ("Kupiłam w Lidlu dwie paczki masła za 13 zł", "pl"),
]
ENGLISH = [
    "bought 500 grams of butter at Tesco for 4 pounds 20",
    "I bought 2 kg of Weizenmehl at Lidl for 3,50 €",
    "2 kilo of butter for 3 euro at Albert Heijn",
    "got Dr. Oetker vanilla sugar at Edeka for 1,29",
    "a 1.5 kg bag of farine at Carrefour for 2 euros",
    "um so yeah i got like two bags of flour at Aldi",
    "we ran out of baking soda",
    "500 g Quark bei Rewe",  # too little to tell: the grammar decides
]


@pytest.mark.parametrize(("text", "code"), OTHER)
def test_other_languages_are_recognised_and_refused_naming_the_text(text: str, code: str) -> None:
    assert guess_language(text).code == code
    with pytest.raises(OtherLanguage) as refused:
        refuse_other_language(text)
    assert refused.value.field == "text" and refused.value.language == code
    assert "English only" in refused.value.message and "GEMINI_API_KEY" in refused.value.message


@pytest.mark.parametrize("text", ENGLISH)
def test_english_with_european_stores_products_and_money_stays_english(text: str) -> None:
    assert guess_language(text).code == "en"
    refuse_other_language(text)


def test_no_sentence_of_the_english_corpus_is_taken_for_another_language() -> None:
    cases = json.loads(CORPUS.read_text(encoding="utf-8"))["cases"]
    wrong = [(c["text"], guess_language(c["text"]).code) for c in cases if guess_language(c["text"]).code != "en"]
    assert wrong == []
