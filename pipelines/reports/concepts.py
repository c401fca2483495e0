"""The "Begrepp" texts: what the words in the results mean, in the project's own Swedish.

One source for the HTML pages, the slide decks and the county report PDF. The county's
experience (domain doc, "The survey model" and the scoring method, step 3) is that
digitalisering, IT, digital mognad and digital kompetens are easily confused, and that
"vet ej" is an honest answer that shows where knowledge is missing; these texts say so.
The category texts paraphrase the model's factor themes listed in the domain doc.
"""

from __future__ import annotations

from typing import NamedTuple


class Concept(NamedTuple):
    """A term and what it means, for a definition list."""

    term: str
    meaning: str


TERMS_SV: tuple[Concept, ...] = (
    Concept(
        "Digitalisering",
        "Att verksamheten förändras med hjälp av digital teknik: arbetssätt, tjänster och "
        "organisation, inte bara nya system. Digitalisering är ett verksamhetsansvar.",
    ),
    Concept(
        "IT",
        "Tekniken och dem som förvaltar den: system, nät, drift och support. IT är ett "
        "verktyg för digitaliseringen, men IT-avdelningen ensam kan inte digitalisera "
        "verksamheten.",
    ),
    Concept(
        "Digital mognad",
        "Organisationens förmåga att ta till vara digitaliseringens möjligheter. Det är "
        "vad mätningen visar, som ett index från 0 till 100: medelvärdet av digital förmåga "
        "och digitalt arv.",
    ),
    Concept(
        "Digital kompetens",
        "Vad enskilda medarbetare och chefer kan och vet om digitala verktyg och arbetssätt. "
        "Kompetens är en förutsättning för mognad men mäts inte som ett eget index här; den "
        "syns bland annat i kategorin Balansering och i andelen ”vet ej”.",
    ),
)

DIMENSIONS_SV: tuple[Concept, ...] = (
    Concept(
        "Digital förmåga",
        "Förmågan att förstå, fånga och förändra utifrån digitala möjligheter. Består av "
        "kategorierna Effektivitet, Innovation och Balansering.",
    ),
    Concept(
        "Digitalt arv",
        "Om det som tidigare satsningar lämnat efter sig – infrastruktur, organisation och "
        "arbetssätt – gör det lättare eller svårare att arbeta digitalt. Består av "
        "kategorierna Organisation, Användare och Teknik. Ett högt värde betyder att arvet "
        "hjälper.",
    ),
)

CATEGORIES_SV: tuple[Concept, ...] = (
    Concept(
        "Effektivitet",
        "Digitaliseringen är kopplad till den strategiska planeringen; systemförvaltning, "
        "projektform, finansiering över systemens livslängd, säkerhet och standarder.",
    ),
    Concept(
        "Innovation",
        "Användarna är med och utvecklar; öppna data och öppen källkod; en lärande kultur; "
        "digitalt först; lyckade initiativ sprids.",
    ),
    Concept(
        "Balansering",
        "Avvägningen mellan effektivitet och innovation: egen budget, realistiska och "
        "uppföljda kalkyler, prioriteringar, nyttouppföljning och kompetens.",
    ),
    Concept(
        "Organisation",
        "IT-funktionen har den kompetens verksamheten behöver, och arbetsmiljön stödjer "
        "arbetet.",
    ),
    Concept(
        "Användare",
        "IT stödjer verksamheten, och verksamhet och IT bygger lösningar tillsammans.",
    ),
    Concept(
        "Teknik",
        "Systemen stödjer det dagliga arbetet, utan skugg-IT och teknisk skuld, och IT styrs "
        "för både effektivitet och innovation.",
    ),
)

DONT_KNOW_SV = (
    "”Vet ej” är ett ärligt och användbart svar. Det räknas inte som ett lågt värde och "
    "ingår inte i indexen; andelen ”vet ej” redovisas för sig. En hög andel i en målgrupp "
    "visar var kunskapen om digitaliseringen saknas eller inte når fram – till exempel hos "
    "förtroendevalda, som svarar ”vet ej” oftare än andra. Läs den som en kunskapslucka "
    "att arbeta med, inte som ett betyg: vem behöver veta mer, och om vad?"
)

HEADING_SV = "Begrepp"
