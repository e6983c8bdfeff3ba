"""The facts a text states, sentence by sentence, from the entities linked in it and a few patterns of wording.

Rules, not a model: each kind of fact is a sentence holding the entities it needs and words that say the relation
(a city "joined" the network "in 2019"; a city "paired with" a partner; a project "completed" in a city; a meeting
"chaired by" a state on a date; "31 cities"). Every fact keeps its evidence sentence and where it stands in the
text. What the text names but the graph does not hold (a partner, a project, a city outside the network) becomes a
candidate new entity, never a link to the nearest known name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from loaders.ingest.documents import iso_date
from loaders.ingest.linker import Linked, Mention

MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
_YEAR = re.compile(r"\b(201[5-9]|202\d|203\d)\b")
_DATE = re.compile(
    rf"\b(\d{{1,2}}(?:st|nd|rd|th)? (?:{MONTHS})\.? (?:19|20)\d{{2}}|(?:{MONTHS})\.? \d{{1,2}}(?:st|nd|rd|th)?,? "
    rf"(?:19|20)\d{{2}}|(?:{MONTHS}) (?:19|20)\d{{2}}|\d{{4}}-\d{{2}}-\d{{2}})\b"
)
_NEWEST = r"(?:new(?:est)?|latest) (?:ASCN |member |network )?(?:members?|cit(?:y|ies))"
_MEMBER_NOUN = (
    r"(?:ASCN|network|pilot|member|founding|original)(?: (?:ASCN|pilot|member|founding|original|\d{1,3}))* cit(?:y|ies)"
    r"(?=[^.;,]{0,40}?\b(?:since (?:[\w'’-]+ ){0,4}?|of |(?:named|chosen|selected|announced|listed) in )20\d\d\b)"
)
_MEMBER_NOUN_AT = re.compile(_MEMBER_NOUN, re.I)
_MEMBERSHIP = rf"{_MEMBER_NOUN}|tak(?:en|es|ing) part(?=[^.;]{{0,60}}?\bsince\b)|been in since"
"""Membership said without a joining word and dated ("Phnom Penh has been an ASCN pilot city since 2018", "Kuching, one
of the original pilot cities of 2018", "one of the original 26 pilot cities of 2018", "Rayong, an ASCN city since
2023", "have taken part since the network's launch in 2018"): the year written right after it is the city's joining;
a membership noun without one, or with another clause between ("Siem Reap, one of the network's 26 pilot cities, has
leaned on Japan since 2021"), dates nothing, and one alone says it of the cities before it only ("Ha Noi, a pilot
city since 2018, shared its work with Da Nang")."""
_JOIN = re.compile(
    rf"\b(join(?:s|ed|ing)?|admitted|took in|became (?:a |the )?(?:[\w-]+ ){{0,2}}members?|"
    rf"{_NEWEST}|welcomed|members? since|(?:network|ASCN)\)? since|added to|accepted into|came into|came in(?= (?:during |in )?(?:20\d\d|this year|last year)\b)|{_MEMBERSHIP})\b",
    re.I,
)
"""A city's joining, or its membership dated by "since" ("founding members since 2018", "in the network since"), or
worded as an addition ("were added to the ASCN in 2024", "were accepted into the network", "came into the network",
"came in during 2024": "came in" only before its year)."""
_NEWEST_NOW = re.compile(
    rf"\b(?:is|are)\b[^.;]{{0,30}}?\b{_NEWEST}\b|"
    r"\b(?:has|have) (?:(?:now|just|recently|officially|formally) )*(?:joined|been admitted|become)\b",
    re.I,
)
"""A joining said in the present ("Timor-Leste's capital is the newest member", "Sihanoukville City has been
admitted to the ... Network"): in the year the text was written, when the sentence writes none."""
_DATELINE = re.compile(
    r"^(?P<place>[^\W\d_][\w'’.-]*(?: [^\W\d_][\w'’.-]*){0,3})(?P<more>,[^-–—()\n]{1,40})?(?P<outlet> \([^()\n]{2,40}\))?"
    r"\s+[-–—]{1,2}\s"
)
"""A news dateline, where a story was filed: "JAKARTA, 31 August 2021 - ", "Jakarta (Nusantara Wire) - "."""
_RELATIVE_YEAR = re.compile(r"\b(this|last) (year|month)\b", re.I)
"""A year said from the document's date: "this year", "last year", and "this month", "last month" (a month of
that year, or in January of the year before)."""
_NETWORK_WORD = re.compile(r"\b(network|ASCN)\b", re.I)
_PAIR = re.compile(
    r"\b(pair(?:s|ed|ing)?|twin(?:s|ned|ning)?|sister[- ]cit(?:y|ies)|partnered with|"
    r"partnership with|matched with|teamed up with|learn(?:s|ing)? from|(?:selected|chosen)(?=[^.;]{0,120}?\b(?:for|as)\b)|"
    r"picked|works? with|worked with|working with|"
    r"supported(?= (?:the )?[A-Z][^.;]{0,60}?\bwith (?:[\w-]+ ){0,2}(?:cooperation|assistance|support|funding|grants?|loans?)\b)|"
    r"link(?:s|ed)(?=[^.;]{0,80}\bwith\b)|memorand(?:um|a)|MoUs?)\b",
    re.I,
)
"""Words that pair a city with a partner; "selected" and "chosen" with what for or as what, however far the partner,
the city or the year stand between ("selected Kota Kinabalu and Khon Kaen, among others, for ...", "was chosen by
Korea's Ministry of Land, Infrastructure and Transport (MOLIT) in 2020 as one of three cities for its K-City
Network", "was chosen by MLIT as the site of a survey"); "supported" with a city right after it and the help
after that ("JICA has also supported Siem Reap with technical cooperation")."""
_DONE_WITH = re.compile(r"\b(?:carried out|drawn up) with\b", re.I)
"""A city's own work "carried out with" or its plan "drawn up with" a partner pairs them ("Davao City's traffic survey
was carried out with MLIT", "Its master plan was drawn up with ..."); work owned by no one in the clause is a
project's, done with its contractor ("the ... project in Luang Prabang, funded by JICA, is being carried out with the
French NGO GRET")."""
_OWNED = re.compile(r"\b(?:its|their)\b|\w['’]s\b", re.I)
_PRONOUN = re.compile(r"\b(?:it|they)\b", re.I)
"""A clause's subject said again ("..., and in its first round it picked three ASCN cities"): the partner before."""
_POSSESSIVE = re.compile(r"\b(?:its|their)\b", re.I)
"""A clause's subject owned by a name the sentence said before ("Da Nang has been an ASCN pilot city since 2018, and
its technical cooperation with the City of Yokohama was renewed by a memorandum"): in a pairing clause naming no
city, the cities before it, as for "it" and "the city's"."""
_CLAUSE_BREAK = re.compile(r', (?:and|but|while|whereas|adding(?: that)?) |;| whereas |[,.!?]["”]\s+|,\s+["“]')
"""Where a clause ends and another with its own subject begins (", and the two cities signed ...", "; ...", a
quotation's end or start: '"Putrajaya joined the ASCN in 2025," the minister told reporters, "and Johor Bahru ..."',
a reporting clause's ", adding that ...")."""
_ELLIPTIC = re.compile(
    r"(?:[\s,()]|\b(?:and|or|the|in|since|from|too|also|as well|later|then|both|of|respectively|(?:this|that|last) "
    r"year)\b|\b\d{4}\b)*",
    re.I,
)
"""What a clause holds besides names and dates when it has no words of its own and shares its neighbour's: a list's
head cut off by ", and" ("Battambang, Davao City, and Luang Prabang were selected for ..."), or the cities and year of
a joining said once ("were added to the network in 2024, and Denpasar and Semarang in 2025")."""
_FOLLOWED = re.compile(r"\b(?:followed|did (?:so|the same)|(?:as|so) did)\b")
"""Words that say the clause before's fact again of a clause's cities: "Bangkok, Chon Buri and Phuket have been
members ... since it was launched in 2018; Chiang Mai, Khon Kaen and Rayong followed in 2023"."""
_NEGATED = re.compile(
    r"\b(?:not|never|n['’]t|no longer|nor)\b(?!\s+(?:only|just|until|till)\b)"
    r"(?:,[^,.;]{1,40},)?(?:\s+[\w'’-]+){0,4}\s+$",
    re.I,
)
"""A negation before a fact's word in its clause, up to four words before it or with words set off by commas
between: "Mandalay did not join the network in 2023", "Davao City has not been paired with ...", "Yangon has not
taken part in the network's meetings since 2021", "Manila has not to this day been selected by ...", "Putrajaya has
not, for its part, been twinned with ..."; "not only", "not until" deny nothing ("It was not until 2023 that Rayong
joined")."""
_DENIED_YEAR = re.compile(r"\bnot (?:in |since |from )?$", re.I)
"""A year denied beside the right one: "joined the network not in 2019, as is sometimes reported, but in 2018"."""
_INSTEAD = re.compile(r"\d{4}\b[^.;]{0,60}?\bbut (?:in |since |from )?(20\d\d)\b")
"""The year a denied one gives way to, in the clause after it: "not in 2019, as is sometimes reported, but in 2018"."""
_UNREALISED = re.compile(
    r"\b(?:will|would|shall|could|may|might|yet to|"
    r"(?:plan|aim|hope|seek|intend|expect|want|wish|appl(?:y|ie)|bid|propos|prepar)\w* to|"
    r"(?:is|are|was|were) (?:(?:set|due|expected|scheduled|going|about) )?to)(?:\s+[\w'’-]+){0,3}\s+$",
    re.I,
)
"""A plan, hope or future right before a fact's word in its clause: "Seberang Perai plans to pair with ...", "Jakarta
hopes to be twinned with DC Water", "Rayong will also work with the City of Yokohama", "Hue is set to join"."""
_RELATIVE = re.compile(r", (?:which|who) ")
_ONE = re.compile(r"(?:(?:only|also|then|later|itself|officially|formally) )*(?:was|is|has|became an? |joined as an? )")
"""A relative clause that speaks of one ("..., which became a member of the network in 2025")."""
_COORDINATED = re.compile(r",? (?:and|or) (?:the )?")
"""What stands between partners named together ("paired with Japan and the City of Yokohama")."""
_THE_CITY = re.compile(r"\b(?:[Tt]he|[Ii]ts|[A-Z][\w-]*(?:'s|’s)) (?:city|capital)(?:'s|’s)?(?! of\b)|^Our(?= [a-z])")
"""A city named a sentence before, said again ("The city works with USTDA", "Timor-Leste's capital is ..."), or
speaking of its own ("Our water district is now twinned with ..." after "Cebu City has been part of ...")."""
_ITS = re.compile(r"^\W*Its(?= [a-z])")
"""A sentence opening with "Its ..." right after a sentence naming one city ("Cebu City was among the 26 pilot
cities named in 2018. Its water district is twinned with ..."): that city's, as "Our ..." is."""
_IT_JOINED = re.compile(
    r"\b[Ii]t (?:(?:only|later|also|then|has|had|was) )*(?:joined|became|admitted)\b|"
    r"^\W*(?:ASCN |network )?(?:member since|joined)\W*:"
)
"""A city said again as the subject of its joining ("No, it only joined the network in 2023"), or as the one a
profile is about, in a labelled line under its heading ("# Chiang Mai" ... "**ASCN member since:** 2023")."""
_ALL_OF_THEM = re.compile(
    r"^(?:All (?P<all>two|three|four|five|six|seven)|All of them|They|Both|The (?P<the>two|three|four|five|six|seven) "
    r"cities)\b"
)
"""The cities the sentence before named, said again together ("All three have belonged to the network since ...")."""
_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
_UNNAMED_CITIES = re.compile(r"\b(?:support\w*|assist\w*|help\w*|fund(?:s|ed|ing)?|financ\w+)\b[^.;]*\bcities\b", re.I)
"""A partner's support for cities it does not name ("MLIT supports member cities through Smart JAMP surveys"): the
sentence after names them."""
_THE_AGENCY = re.compile(r"\b[Tt]he (?:agency|bank|ministry)(?:'s|’s)?")
"""A partner named a sentence before, said again ("In Johor Bahru, the agency funded ...")."""
_THE_PROJECT = re.compile(
    r"^(?:It|The (?:project|system|centre|center|platform|programme|program|strategy|plan|hub|dashboard))\b"
)
"""A project named before, said again as the subject of a sentence ("It was completed in December 2023")."""
_MEMBER_CITIES = re.compile(
    r"\b(?:the|member|participating|reporting|ASCN) cities\b|"
    r"\b\d{1,3} cities (?:across|in|from) (?:all |the )*(?:ASEAN|region|Southeast Asia|(?:\w+ )?(?:ASEAN )?member "
    r"(?:states|countries))\b|"
    r"\b\d{1,3} projects (?:were |had been |have been )?reported\b|\breported \d{1,3} projects\b|"
    r"\b\d{1,3} (?:pilot|founding|original) cities\b|\b(?:total|number)\b[^.;]{0,30}\bto \d{1,3} (?:member )?cities\b",
    re.I,
)
"""In a document about the network, a sentence counting its cities or projects without naming it: said of the
member cities, of cities across the region ("38 cities across ASEAN in the grouping"), or of projects reported
("In September 2025, 134 projects were reported")."""
_COUNT_LABEL = re.compile(r"\b(?P<counted>cities|projects)(?: reported)?: (?P<value>\d{1,3})\b", re.I)
"""A count written as a report's label: "Reporting cities: 35", "Projects reported: 134"."""
_PROJECT = re.compile(
    r"\b(projects?|pilots?|piloting|initiatives?|launch(?:es|ed)?|roll(?:s|ed|ing)? out|"
    r"build(?:s|ing)?|construct(?:s|ed|ion)|install(?:s|ed|ing)|completed|opened|upgrade[sd]?)\b",
    re.I,
)
_SUPPORT = re.compile(r"\b(support\w*|assist\w*|help\w*|fund(?:s|ed|ing)?|financ\w+|memorandum|cooperat\w+)\b", re.I)
"""Words of a partner's part in a project ("USTDA technical assistance is helping Ho Chi Minh City prepare ...")."""
_MEETING = re.compile(r"\b(meeting|summit|conference|workshop|forum|statement|declaration|endorsed|adopted)\b", re.I)
_TENS = {"twenty": 20, "thirty": 30, "forty": 40}
_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
_NUMBER_WORD = rf"(?:{'|'.join(_TENS)})(?:[- ](?:{'|'.join(_UNITS)}))?"
"""A count of the network's size written in words ("Twenty-nine cities"): from twenty, as smaller numbers in words
are mostly not counts of the network ("three cities for its K-City Network")."""
_COUNT = re.compile(
    rf"\b(?P<value>\d{{1,3}}|{_NUMBER_WORD})\s+"
    r"(?:(?P<first>pilot|founding|original)\s+|(?:member|smart|ASCN|participating|partner)\s+)?"
    r"(?P<counted>cities|projects)\b",
    re.I,
)
"""A count: "31 cities"; "the 26 pilot cities" (founding, original) is the network's size when it began, dated by a
year of its own sentence only, never by the document's."""
_COUNT_ORDINAL = re.compile(r"\bthe (?P<value>\d{1,3})(?:st|nd|rd|th) (?:member |ASCN )?(?P<counted>city|cities)\b")
"""A count as the newest member's rank: "Dili has become the 38th city of the ASEAN Smart Cities Network" (38)."""
_TOTAL = re.compile(r"\b(?:the )?total (?:stood at|came to|rose to|reached|was) (?P<value>\d{1,3})\b", re.I)
"""A count said as the total of what a count before it in the sentence counted ("Twenty-nine cities were in the
network in July 2023; the total stood at 31 in 2024")."""
_COUNT_AGAINST = re.compile(
    r"\b(?:against|up from|down from|compared (?:with|to)|versus) (?P<value>\d{1,3})"
    r"(?= (?:(?:at|on) (?:its|the network's|the) (?:start|launch|founding|outset) )?(?:in|by|at the end of) 20\d\d\b)"
)
"""A count written as a bare number set against a count before it, with its own year: "35 cities, against 31 in
2024" (31 cities as of 2024; 35 is not of 2024), "35 cities, against 26 at its start in 2018" (26 as of 2018)."""
_COUNT_NUMBERED = re.compile(
    r"\b(?:member|ASCN|participating|reporting) (?P<counted>cities|projects) (?:numbered|totall?ed|stood at|came to) "
    r"(?P<value>\d{1,3})\b",
    re.I,
)
"""A count as a total said of the members: "As at September 2025 the member cities numbered 35"."""
_COUNT_TO = re.compile(
    r"\bnumber of (?!pilot\b)(?:\w+ )?(?P<counted>cities|projects)\b[^.;]{0,40}?\bto (?P<value>\d{1,3})\b", re.I
)
"""A count as a number reached: "raising the number of participating cities from 26 to 29" (29, not 26)."""
_TABLE_ROW = re.compile(r"^\|(.*)\|$")
"""A row of a table written with pipes, as Markdown and text renderings of pages write them."""
_TABLE_RULE = re.compile(r"^:?-{3,}:?$")
_COUNTED_COLUMN = re.compile(r"^(?:member |ASCN )?(?P<counted>cities|projects)$|^(?P<members>members)$", re.I)
_DATE_COLUMN = re.compile(r"^(?:as (?:of|at)|year|date|month)$", re.I)
_STATUS = (
    (
        "completed",
        re.compile(
            r"\b(completed|finished|inaugurated|opened|has been in operation|now operat\w+|"
            r"went live|handed over|(?<!expected )(?<!planned )(?<!scheduled )completion of)\b",
            re.I,
        ),
    ),
    (
        "planning",
        re.compile(
            r"\b(plan(?:s|ned)? to|planned|(?:in|at the) planning|planning (?:stage|phase)|"
            r"will (?:build|launch|start|develop|install)|proposed|feasibility stud(?:y|ies)|is to be)\b",
            re.I,
        ),
    ),
    (
        "ongoing",
        re.compile(
            r"\b(ongoing|under (?:way|construction|development|implementation)|underway|in progress|being "
            r"(?:built|developed|installed|piloted|rolled out|expanded|upgraded|extended|implemented|carried out)|"
            r"is piloting|rolling out|continu(?:es?|ing)|(?<!been )in operation|(?:is|are|now) live|live since|"
            r"(?:still|now|already) running|"
            r"(?:is|are|now|still) (?:also |now |still )?in (?:daily |regular |everyday )?use)\b",
            re.I,
        ),
    ),
)
_STUDY_DONE = re.compile(
    r"\b(?:stud(?:y|ies)|surveys?|assessments?|designs?)\b[^,;.]{0,60}?\b(?:completed|finished|done)\b|"
    r"\b(?:completed|finished)\s+(?:a|an|the|its|their)\s+(?:[\w-]+\s+){0,3}(?:stud(?:y|ies)|surveys?|assessments?)\b",
    re.I,
)
"""A study, survey, assessment or design said to be done: the planning of a project, not its completion."""
_QUOTED = re.compile(r"[\"“‘']([A-Z][^\"”’']{3,80})[\"”’']")
_NAMED_PROJECT = re.compile(
    r"\b((?:[A-Z][\w&-]*|of|and|for|the|in|de)(?: (?:[A-Z][\w&-]*|of|and|for|the|in|de))*"
    r" (?:Project|System|Platform|Centre|Center|Hub|Programme|Program|Network|Corridor|App))\b"
)
_ORG_AFTER_WITH = re.compile(r"\bwith (?:the )?((?:[A-Z][\w&.-]*)(?: (?:of|for|and|de|[A-Z][\w&.-]*))*)")
_NEW_CITY = re.compile(
    r"\b([A-Z][a-z]+(?: [A-Z][a-z]+){0,2}) (?:has |have |had )?(?:officially |formally )?"
    r"(?:joined|was admitted|became)\b"
)
_CHAIR = re.compile(r"\b(?:chaired by|under the chairmanship of|[Cc]hair(?:ed)?:)\s+((?:the )?[A-Z][^,.;()\n]*)")
_CHAIR_BEFORE = re.compile(
    r"\b((?:[A-Z][\w'-]*)(?: [A-Z][\w'-]*)*),? (?:which |who )?(?:(?:had|has) )?(?:chaired|chairs|as chair|presided|"
    r"(?:held|holds|hold|took|takes) the (?:rotating )?(?:ASEAN |ASCN |network's )?chair(?:manship)?|"
    r"(?:was|is) (?:in )?the chair)\b"
)
"""A chair written as the subject ("Lao PDR chairs the network this year", "Indonesia held the ASCN chairmanship",
"Brunei Darussalam was in the chair", "..., Minister of Interior of the Kingdom of Cambodia, chaired the Meeting",
"Cambodia had chaired the 5th ASCN Annual Meeting")."""
_CHAIR_OWNED = re.compile(r"\b([A-Z][\w-]*(?: [A-Z][\w-]*)*)(?:'s|’s|'|’) (?:ASEAN |ASCN )?chair(?:manship)?\b")
"""A chair written as the owner of the chairmanship ("under Malaysia's chairmanship")."""
_CHAIR_WITH = re.compile(r"\bwith ((?:the )?[A-Z][\w'’-]*(?: [A-Z][\w'’-]*)*) (?:in the chair|as (?:the )?chair)\b")
"""A chair written as what the meeting was held with ("..., with Indonesia in the chair", "with Malaysia as chair")."""
_HOST = re.compile(
    r"\b(?:hosted by|host(?:ed)? in|(?:held|took place|convened|opened)(?: on [\w ]{3,30}?)? (?:in|at)|"
    r"(?i:meeting|summit|conference|workshop|forum),? in|(?i:venue|location):)"
    rf"\s+(?!(?:{MONTHS})\b)((?:the )?[A-Z][^,.;()]*)"
)
"""A host: "hosted by X", "held in X", with the date between ("took place on 30th July 2024 at Luang Prabang"), or
set off by a comma ("the second annual meeting, in Bangkok in August 2019"); never a month ("the meeting in July")."""
_HOST_WELCOME = re.compile(r"\b(?i:welcome) to ((?:the )?[A-Z][\w'’-]*(?: [A-Z][\w'’-]*)*) for\b")
"""A host written as where a speaker welcomes the meeting's guests ("Welcome to Kuala Lumpur for the 8th ASCN Annual
Meeting")."""
_HOST_BEFORE = re.compile(
    r"\bthe ((?!(?:ASCN|ASEAN|Annual|Network|Smart|First|Second|Third|Next|Last|Same)\b)[A-Z][\w-]+(?: [A-Z][\w-]+)?) "
    r"(?:annual )?(?:meeting|summit)\b"
)
"""A host written before the meeting's noun, as a place names an event ("the Bali meeting of 12-13 July 2023")."""
_HOST_SUBJECT = re.compile(r"\b([A-Z][\w'’-]*(?: [A-Z][\w'’-]*)*) (?:hosted|has hosted|had hosted)\b")
"""A host written as the subject ("Kuala Lumpur hosted the 8th ASCN Annual Meeting on 9 September 2025"), when the
sentence names no host after the meeting's words."""
_EVENT_YEAR = re.compile(
    r"\b(20\d\d) (?:[A-Z][\w-]* )?(?i:annual )?(?i:meeting|summit|conference|workshop|forum)\b|"
    r"\b(?i:meeting|summit|conference|workshop|forum)(?: in [A-Z][\w-]*)? in (20\d\d)\b"
)
"""A meeting dated by a year alone, the year qualifying the meeting's own words ("the 2023 meeting in Bali", "the
Bali meeting in 2023"): the year is all the text says of its date."""
_WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_EVENT_NAME = re.compile(
    r"((?:the )?(?:\d+(?:st|nd|rd|th) )?(?:[A-Z][\w'-]*|of|on|and|for)(?: (?:[A-Z][\w'-]*|of|on|and|for))*"
    r" (?:Meeting|Summit|Conference|Workshop|Forum|Statement|Declaration|Framework))"
)
_STOP_NAMES = {
    "The",
    "We",
    "They",
    "He",
    "She",
    "I",
    "You",
    "Our",
    "This",
    "That",
    "It",
    "In",
    "On",
    "At",
    "And",
    "But",
    "Also",
    "Both",
    "Today",
    "Yesterday",
    "Officials",
    "Members",
    "Cities",
    "City",
    "Its",
    "Their",
    "A",
    "An",
    "All",
}


@dataclass(frozen=True)
class Value:
    """A field's value: an ``iri`` of a known entity, or a ``literal`` (with its XSD ``datatype`` if typed)."""

    iri: str | None = None
    literal: str | None = None
    datatype: str | None = None

    def to_json(self) -> dict:
        if self.iri:
            return {"iri": self.iri}
        return {"literal": self.literal, **({"datatype": self.datatype} if self.datatype else {})}


def literal(text: str, datatype: str | None = None) -> Value:
    return Value(literal=text, datatype=datatype)


def entity(m: Mention) -> Value:
    return Value(iri=m.entity.iri)


XSD = "http://www.w3.org/2001/XMLSchema#"


@dataclass
class Fact:
    """A fact the text states: its ``kind``, its fields and the evidence sentence with its character span."""

    kind: str
    fields: dict[str, Value]
    evidence: str
    start: int
    end: int

    def key(self) -> tuple:
        return (self.kind, tuple(sorted((k, v.iri or v.literal or "") for k, v in self.fields.items())))


@dataclass
class Extraction:
    """What one document states: the facts and the new entities (as facts of kind new-partner, new-project,
    new-city, with a ``name`` field)."""

    facts: list[Fact] = field(default_factory=list)
    new_entities: list[Fact] = field(default_factory=list)

    def add(self, fact: Fact) -> None:
        target = self.new_entities if fact.kind.startswith("new-") else self.facts
        if fact.key() not in {f.key() for f in target}:
            target.append(fact)


def extract(linked: Linked, doc_date: str | None = None, network_source: bool = False) -> Extraction:
    """The facts and new entities of a linked text; ``doc_date`` (else the date the text gives itself,
    :func:`_own_date`) dates counts that give no date of their own and "this year". ``network_source``: the
    document's source (a feed's title, a page's site name) names the network, so its joinings are the network's
    though the text never names it (an entry of "ASEAN Smart Cities Network - Secretariat news": "Denpasar and
    Semarang joined in 2025")."""
    doc_date = doc_date or _own_date(linked)
    out = Extraction()
    city, partner, project = _Antecedent(), _Antecedent(), _Antecedent()
    network_document = any(m.entity.kind == "network" for m in linked.mentions)
    minutes = bool(_MINUTES.search("\n".join(linked.text.lstrip().split("\n")[:4])))

    def networks(text: str, mentions: list[Mention]) -> bool:
        """Whether a meeting told of in ``text`` may be the network's: minutes record their own body's meetings
        ("MINUTES OF THE 112TH FULL COUNCIL MEETING" and its "Date:" line, "The next meeting will be held on 28
        March 2022"), so there only a meeting whose words name the network is one."""
        return not minutes or _about_network(text, mentions)

    network_before = network_source
    year_before: Value | None = None
    among: tuple[int, Value] | None = None  # a joining of a year said of no city named, for "X were among them"
    claim: list[Fact] = []  # the facts of the sentence before, when it reports what someone said
    reported: list[Fact] = []
    lender: Fact | None = None
    event: tuple[int, int, list[Mention]] | None = None
    meeting: tuple[int, Fact] | None = None
    worded = -1
    header: list[str] | None = None
    for index, (start, end) in enumerate(linked.sentences):
        sentence = linked.sentence_text(index)
        offset = start + (len(linked.text[start:end]) - len(linked.text[start:end].lstrip()))
        cut = _dateline(sentence)
        filed = _DATE.search(sentence, 0, cut)
        sentence, offset = sentence[cut:], offset + cut
        mentions = [m for m in linked.in_sentence(index) if m.start >= offset]
        before = len(out.facts)
        all_spans = [(m.start - offset, m.end - offset) for m in mentions]
        # a new entity's name may not overlap a known one, except that a new project may carry its city's name
        known_spans = [(m.start - offset, m.end - offset) for m in mentions if m.entity.kind != "city"]

        def fact(kind: str, sentence: str = sentence, offset: int = offset, **fields: Value) -> Fact:
            return Fact(
                kind, {k: v for k, v in fields.items() if v is not None}, sentence, offset, offset + len(sentence)
            )

        named_cities = [
            m for m in mentions if m.entity.kind == "city" and not _SEAT.search(sentence, 0, m.start - offset)
        ]
        its = _ITS.match(sentence) if city.index == index - 1 else None
        cities = city.resolve(
            named_cities,
            _THE_CITY.search(sentence) or _IT_JOINED.search(sentence) or its,
            offset,
            index,
            _ALL_OF_THEM.match(sentence),
            _subject(sentence, offset, named_cities),
            its is not None,
        )
        partners = partner.resolve(
            [m for m in mentions if m.entity.kind == "partner"], _THE_AGENCY.search(sentence), offset, index
        )
        programmes = [m for m in mentions if m.entity.kind == "programme"]
        # a project said again only as the subject of a status in its own paragraph, in a sentence naming no city
        same_paragraph = project.last is not None and "\n\n" not in linked.text[project.last.end : offset]
        said = _THE_PROJECT.match(sentence) if same_paragraph and not cities and _status(sentence) else None
        projects = project.resolve([m for m in mentions if m.entity.kind == "project"], said, offset, index)
        _joining(
            out,
            sentence,
            offset,
            cities,
            mentions,
            all_spans,
            fact,
            doc_date,
            network_before,
            year_before,
            network_document,
        )
        if among and cities and _AMONG_THEM.match(sentence, cities[-1].end - offset):
            both = linked.text[among[0] : offset + len(sentence)]
            for c in cities:
                out.add(fact("joining", both, among[0], city=entity(c), year=among[1]))
        network_here = network_before or _about_network(sentence, mentions)
        year_here = _year(sentence, doc_date) if network_here and _JOIN.search(sentence) else None
        among = (offset, year_here) if year_here and not cities else None
        paired = _pairing(out, sentence, offset, cities, partners, programmes, all_spans, fact)
        if lender and lender.end <= offset and cities and not partners and not paired:
            both = linked.text[lender.start : offset + len(sentence)]
            for c in cities:
                out.add(fact("pairing", both, lender.start, city=entity(c), **lender.fields))
        lender = _lender(sentence, offset, cities, partners, programmes, fact)
        if not paired or projects:
            _project(out, sentence, offset, cities, partners, projects, known_spans, fact)
        told = (
            _milestone(out, sentence, offset, mentions, fact, filed[1] if filed else None)
            if networks(sentence, mentions)
            else None
        )
        if told is None and meeting and meeting[0] == worded and "chair" not in meeting[1].fields:
            _chair_after(out, meeting[1], sentence, offset, mentions)
        meeting = (index, told) if told else meeting
        worded = index if re.search(r"[^\W\d_]", sentence) else worded  # not a paragraph's number ("2.")
        if event and _LINE.fullmatch(sentence):
            event = (event[0], offset + len(sentence), event[2] + mentions)
        else:
            if event:
                _event_lines(out, linked.text, *event, networks)
            named = _MEETING.search(sentence) or _MEETINGS.search(sentence)
            undated = named and not _DATE.search(sentence) and not filed
            event = (offset, offset + len(sentence), mentions) if undated else None
        if _about_network(sentence, mentions) or (network_document and _MEMBER_CITIES.search(sentence)):
            _count(out, sentence, doc_date, fact)
        elif network_document:
            _count(out, sentence, doc_date, fact, (_COUNT_LABEL,))
        network_before = network_before or _about_network(sentence, mentions)
        if sentence.strip():  # not the blank between paragraphs
            year_before = next((y for _, y in reversed(_years(sentence, doc_date))), None)
        row = _TABLE_ROW.match(sentence.strip())
        cells = [c.strip() for c in row[1].split("|")] if row else None
        if cells is None or header is None:
            header = cells
        elif network_document and not all(_TABLE_RULE.match(c) for c in cells):
            _table_count(out, header, cells, fact)
        if claim and _DENIAL.match(sentence):
            out.facts = [f for f in out.facts if not any(f is g for g in claim)]
        claim = out.facts[before:] if _REPORTED.search(sentence) else []
        reported += claim
    if event:
        _event_lines(out, linked.text, *event, networks)
    _corrected(out, reported)
    _date_joinings(out)
    _one_each(out)
    return out


_AMONG_THEM = re.compile(r"\s+(?:were|was) (?:also )?(?:among them|one of them|two of them)\b")
"""Cities said to be of those the sentence before said joined in a year, without naming them ("Several Malaysian
cities joined the network in 2018 as pilot cities. Kota Kinabalu and Kuching were among them.")."""
_TODAY = re.compile(rf"\btoday,? (?:(?:{_WEEKDAYS}),? )?{_DATE.pattern}")
"""A text's own day said as today's: "the 8th ASCN Annual Meeting, which opens today, 9 September 2025"."""


def _own_date(linked: Linked) -> str | None:
    """The date a text without one gives itself, in its first dateline ("KUALA LUMPUR, 9 September 2025 — ...") or
    as today's ("which opens today, 9 September 2025"): the day a speech or a plain-text release was written, from
    which its "this year" is counted (a speech's "Ipoh, Putrajaya and Seberang Perai were admitted this year" was
    undated)."""
    for index in range(len(linked.sentences)):
        sentence = linked.sentence_text(index)
        found = _DATE.search(sentence, 0, _dateline(sentence)) or _TODAY.search(sentence)
        if found:
            return iso_date(found[1])
    return None


def _dateline(sentence: str) -> int:
    """Where a sentence's dateline ends (0 without one): a place in capitals, or followed by a date or the outlet.

    The place a story was filed from is no subject of the sentence: "Jakarta (Nusantara Wire) - ... said that
    Denpasar and Semarang had been admitted to the ... Network in 2025" proposed Jakarta joining in 2025. Its date
    is the day the sentence's own words ("on Wednesday") mean only when the sentence writes no date itself:
    "JAKARTA, 31 August 2021 - The 4th Annual Meeting ... was convened ... on 30 August 2021" is a meeting of 30
    August (:func:`_milestone`). A dateline opens a sentence of prose: capitals on both sides of the dash are a
    heading ("HYDROGEN ENERGY - PLANNING STAGE", whose project and status are the heading's own)."""
    found = _DATELINE.match(sentence)
    if not found or not all(word[0].isupper() for word in found["place"].split()):
        return 0
    if not any(c.islower() for c in sentence[found.end() :]):
        return 0
    in_capitals = found["place"].isupper()
    dated = found["more"] is not None and bool(re.search(r"\d", found["more"]))
    return found.end() if in_capitals or dated or found["outlet"] else 0


class _Antecedent:
    """The one entity of a kind that the latest sentence naming that kind named: what "the city", "the agency" or
    "It" in a sentence naming none of that kind refers to. A sentence naming several leaves none, except to words
    that say them all ("All three") in the sentence right after it."""

    def __init__(self) -> None:
        self.last: Mention | None = None
        self.subject: Mention | None = None
        self.every: list[Mention] = []
        self.index = -1

    def resolve(
        self,
        named: list[Mention],
        said_again: re.Match | None,
        offset: int,
        index: int,
        all_of: re.Match | None = None,
        subject: Mention | None = None,
        possessive: bool = False,
    ) -> list[Mention]:
        """The mentions of the kind in sentence ``index``: those ``named``, else the antecedent where the words
        ``said_again`` (found in the sentence starting at ``offset``) stand, else the several the sentence before
        named where ``all_of`` says them, as many as its number says ("All three", "The two cities", "Both").
        ``subject`` is the one of ``named`` that is its sentence's subject (:func:`_subject`); a ``possessive``
        ("Its ...") after a sentence naming several is that subject's, as a reader takes it."""
        one = self.last or (self.subject if possessive else None)
        if not named and said_again and one:
            at = offset + said_again.start()
            return [Mention(one.entity, said_again[0], at, at + len(said_again[0]), index)]
        if not named and all_of and self.index == index - 1 and len(self.every) > 1:
            number = all_of.groupdict().get("all") or all_of.groupdict().get("the")
            wanted = _NUMBERS[number.lower()] if number else 2 if all_of[0].lower() == "both" else len(self.every)
            if wanted == len(self.every):
                at = offset + all_of.start()
                return [Mention(m.entity, all_of[0], at, at + len(all_of[0]), index) for m in self.every]
        if named:
            self.last = named[0] if len({m.entity.iri for m in named}) == 1 else None
            self.every = list({m.entity.iri: m for m in named}.values())
            self.subject = subject
            self.index = index
        return named


_VERB_AFTER = re.compile(r" (?!(?:and|or|nor|as|with|together|alongside|along|plus)\b)[a-z]+\b")


def _subject(sentence: str, offset: int, cities: list[Mention]) -> Mention | None:
    """The city a sentence opens with when a verb follows it, not another name ("Davao City hosted officials from
    Cebu City and Manila": Davao City; "Cebu City and Davao City were ...": none)."""
    first = cities[0] if cities else None
    if first is None or sentence[: first.start - offset].strip(" \"'“‘"):
        return None
    return first if _VERB_AFTER.match(sentence, first.end - offset) else None


_REPORTED = re.compile(r"\b(?:said|reported|wrote|stated|claimed|suggested|asserted) that\b")
"""A claim reported as someone's ("An article on 3 March said that Chiang Mai, Khon Kaen and Rayong were accepted into
the network in 2021"), which the text may go on to deny or correct."""
_DENIAL = re.compile(
    r"^\W*(?:(?:It|They|He|She|This|That) (?:did|does|do|was|were|is|are|has|have|had)(?: not|n['’]t)\s*(?:[.;,:—–-]|$)|"
    r"(?:This|That|It) (?:is|was) (?:wrong|incorrect|untrue|not (?:so|true|correct|the case))\b|Not so\b)"
)
"""A sentence denying the claim before it: "Your report ... said that Sumedang joined the network in 2023. It did
not."."""


def _corrected(out: Extraction, reported: list[Fact]) -> None:
    """Joinings of a reported claim that the text corrects: a city the document gives another joining year, outside
    a reported claim ("An article ... said that Chiang Mai, Khon Kaen and Rayong were accepted into the ASEAN Smart
    Cities Network in 2021. They were accepted into the network in 2023.": 2023 alone). A denial right after the
    claim ("It did not.") drops all its facts (:data:`_DENIAL`)."""
    said = {id(f) for f in reported}
    years = {
        (f.fields["city"], f.fields["year"])
        for f in out.facts
        if f.kind == "joining" and "year" in f.fields and id(f) not in said
    }
    out.facts = [
        f
        for f in out.facts
        if not (
            id(f) in said
            and f.kind == "joining"
            and any(city == f.fields["city"] and year != f.fields.get("year") for city, year in years)
        )
    ]


def _date_joinings(out: Extraction) -> None:
    """Joinings a sentence leaves undated: one said of the meeting ("The meeting admitted Chiang Mai, Khon Kaen and
    Rayong as new members") takes the year of the document's one dated meeting; one whose city another joining of the
    document dates is dropped (a headline "X joins the network" repeating the article)."""
    years = {str(f.fields["date"].literal)[:4] for f in out.facts if f.kind == "milestone"}
    meeting_year = literal(years.pop(), XSD + "gYear") if len(years) == 1 else None
    for f in out.facts:
        if (
            meeting_year
            and f.kind == "joining"
            and "year" not in f.fields
            and re.search(r"\bmeeting\b", f.evidence, re.I)
        ):
            f.fields["year"] = meeting_year
    dated = {f.fields["city"] for f in out.facts if f.kind == "joining" and "year" in f.fields}
    kept = {
        f.key(): f
        for f in out.facts
        if not (f.kind == "joining" and "year" not in f.fields and f.fields["city"] in dated)
    }
    out.facts = list(kept.values())


def _one_each(out: Extraction) -> None:
    """A fact said again with fewer details is the one said with them: one proposal, the fuller, for the reviewer.
    "Danang was paired with Yokohama under the city-to-city technical cooperation programme" and "Da Nang and the
    City of Yokohama ... have signed a new memorandum" are one pairing; a chair's statement's heading dated on the
    line after it ("Kuala Lumpur, Malaysia, 9 September 2025") and its first sentence, one meeting of that day (a
    meeting's name, as each sentence words it, is no detail). Every answer the poorer proposal gives, the fuller
    gives too."""

    def details(f: Fact) -> set[tuple[str, Value]]:
        return {(k, v) for k, v in f.fields.items() if not (f.kind == "milestone" and k == "event")}

    kept: list[Fact] = []
    for f in sorted(out.facts, key=lambda f: -len(details(f))):
        if not any(g.kind == f.kind and details(f) <= details(g) for g in kept):
            kept.append(f)
    out.facts = [f for f in out.facts if any(f is g for g in kept)]


def _outside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return all(end <= s or start >= e for s, e in spans)


def _year(sentence: str, doc_date: str | None = None) -> Value | None:
    """The year a sentence states; "this year" and "last year" count from the document's date, as news says it."""
    after_in = re.search(r"\b(?:in|since|from) (201[5-9]|202\d|203\d)\b", sentence)
    found = after_in or _YEAR.search(sentence)
    if found:
        return literal(found[1], XSD + "gYear")
    relative = _RELATIVE_YEAR.search(sentence)
    return _relative_year(relative, doc_date) if relative and doc_date else None


def _relative_year(found: re.Match, doc_date: str) -> Value | None:
    """The year "this year" or "last year" means, counted from the document's date, as news says it; "this month"
    is the date's year, "last month" too but in January (none when the date has no month)."""
    last = found[1].lower() == "last"
    if found[2].lower() == "month":
        if len(doc_date) < 7:
            return None
        last = last and doc_date[5:7] == "01"
    return literal(str(int(doc_date[:4]) - last), XSD + "gYear")


def _about_network(sentence: str, mentions: list[Mention]) -> bool:
    """Whether the sentence speaks of the network (the word, ASCN or its name): joinings and counts need it."""
    return bool(_NETWORK_WORD.search(sentence)) or any(m.entity.kind == "network" for m in mentions)


def _years(sentence: str, doc_date: str | None) -> list[tuple[int, Value]]:
    """Every year a sentence writes, with where: "2025", and "this year" and "last year" counted from the document's
    date."""
    years = [(m.start(), literal(m[1], XSD + "gYear")) for m in _YEAR.finditer(sentence)]
    if doc_date:
        years += [(m.start(), y) for m in _RELATIVE_YEAR.finditer(sentence) if (y := _relative_year(m, doc_date))]
    return sorted(years, key=lambda y: y[0])


def _year_at(years: list[tuple[int, Value]], at: int) -> Value | None:
    """The year that belongs to what a joining sentence names at ``at``: the first year written after it, else the
    last one before it ("In 2025, Ipoh and Putrajaya joined").

    A sentence may give several cities several years ("Johor Bahru and Kuching, founding members since 2018,
    together with Ipoh, which were admitted in 2025"), and a year before the city is often another event's ("after
    Timor-Leste was admitted to ASEAN in October 2025, Dili became the 38th member ... in January 2026"); one year
    for the whole sentence gave every city the first."""
    after = [y for p, y in years if p > at]
    before = [y for p, y in years if p < at]
    return after[0] if after else before[-1] if before else None


_ANOTHER_EVENT = re.compile(r"\b(?:after|following|before)\b")
_LATER_THAN = re.compile(r"\bbefore\b")


def _another_event(sentence: str, at: int, year: int, word: int) -> bool:
    """Whether the year at ``year`` is another event's than the joining of the city at ``at``: "after", "following"
    or "before" between the city and a year written after it ("Dili has become the 38th city of the network, three
    months after its country was admitted as ASEAN's 11th member in October 2025"), "before" between a year and the
    city after it ("The Asian Development Bank approved loans for the Dili West Water Supply Project in 2022, before
    the city joined the network"). A year "after" which a city joined may be its own ("The network counted 31 member
    cities in 2024, after Sumedang and Sihanoukville joined it that year"); nor "before" between a year and the
    joining word ``word`` after it ("Khon Kaen was chosen for Korea's K-City Network in 2020, before it joined the
    network")."""
    if year < word and _LATER_THAN.search(sentence, year, word):
        return True
    if year > at:
        return bool(_ANOTHER_EVENT.search(sentence, at, year))
    return bool(_LATER_THAN.search(sentence, year, at))


_SAME_TIME = re.compile(r"\b(?:at the same time|(?:in )?the same year|that (?:same )?year)\b", re.I)
"""A joining dated by another the text just gave ("Siem Reap and Phnom Penh have been ASCN pilot cities since 2018;
Battambang ... joined at the same time", "Sumedang and Sihanoukville City had joined it that year" after "In 2024 the
network reached 31 member cities."): the last year written before its clause, in its sentence or the one before."""
_LATER = re.compile(
    r"\b(?:(?:a|one|two|three|four|five|six|some) (?:years?|months?) (?:later|after)|the (?:following|next) year)\b"
)
"""A joining dated from another's ("adding that Semarang had been admitted a year later"): no year the text writes."""


_COMPANIONS = re.compile(r",? (?:alongside|together with|as well as|along with) (?=[^\W\d_])")
"""Cities said to share a membership noun's joining with those before it: "Cebu City was one of the 26 pilot cities
named in 2018, alongside Davao City and Manila" (the three joined in 2018)."""


def _joining(
    out, sentence, offset, cities, mentions, known_spans, fact, doc_date, network_before, year_before, network_later
) -> None:
    """Joinings: a joining word in a sentence about the network, or in a sentence after one that named it whose joining
    clauses name no partner or programme a city could join instead (a pairing in a clause of its own stops none: "Cebu
    City has been a member since 2018, and its water district is twinned with ..."), or whose words are the network's
    own ("one of the original 26 pilot cities of 2018" beside a partner named with another verb) ("Ipoh, Putrajaya and
    Seberang Perai were admitted in 2025", "... follow Sumedang Regency, which joined in 2024, and the pilot cities DKI
    Jakarta, Makassar and Banyuwangi, members since 2018": a reply or article says "the network" once and then no more).
    A membership noun alone ("were among the 26 pilot cities named in 2018") is the network's own word in a document
    naming the network after it (``network_later``), as a commentary's first sentence may. ``year_before`` is the last
    year the sentence before wrote (:data:`_SAME_TIME`)."""
    joined = _JOIN.search(sentence)
    if not joined:
        return
    words = list(_JOIN.finditer(sentence))
    clauses = [(a, b) for a, b in _clause_bounds(sentence) if any(a <= w.start() < b for w in words)]
    others = any(
        m.entity.kind in ("partner", "programme") and any(a <= m.start - offset < b for a, b in clauses)
        for m in mentions
    )
    nouns = all(_MEMBER_NOUN_AT.match(sentence, w.start()) for w in words)
    named = network_before or (network_later and nouns)
    if not _about_network(sentence, mentions) and not (named and (nouns or not others)):
        return
    if nouns:
        companions = _COMPANIONS.search(sentence, words[-1].end())
        cities = [
            c
            for c in cities
            if c.end - offset <= words[-1].start() or (companions and c.start - offset >= companions.end())
        ]
    scoped = _stated_of(sentence, offset, cities, words, known_spans)
    years = _years(sentence, doc_date)
    now = literal(doc_date[:4], XSD + "gYear") if doc_date and _NEWEST_NOW.search(sentence) else None
    for city in cities:
        if city not in scoped:
            continue
        at, (low, high, word) = city.start - offset, scoped[city]
        own = [
            (p, y)
            for p, y in years
            if low <= p < high and not _another_event(sentence, at, p, word) and not _DENIED_YEAR.search(sentence, 0, p)
        ]
        if not any(p > at for p, _ in own) and _LATER.search(sentence, at, high):
            own = []
        denied = [p for p, _ in years if low <= p < high and _DENIED_YEAR.search(sentence, 0, p)]
        instead = _INSTEAD.match(sentence, denied[-1]) if denied and not own else None
        if instead:
            own = [(instead.start(1), literal(instead[1], XSD + "gYear"))]
        year = _year_at(own, at) or now
        if year is None and _SAME_TIME.search(sentence, low, high):
            year = next((y for p, y in reversed(years) if p < low), year_before)
        out.add(fact("joining", city=entity(city), year=year))
    for m in _NEW_CITY.finditer(sentence):
        name = m[1]
        if name.split()[0] in _STOP_NAMES or not _outside(known_spans, m.start(1), m.end(1)):
            continue
        if re.search(r"\b(?:in|of|from|at|near)\s+$", sentence[: m.start(1)]):
            continue  # a place that says where the subject is ("Cauayan City in Isabela became ..."), not the subject
        if _NETWORK_WORD.search(name):
            continue
        out.add(fact("new-city", name=literal(name)))
        out.add(fact("joining", city=literal(name), year=_year_at(years, m.start(1))))


def _unstated(sentence: str, start: int, at: int) -> bool:
    """Whether the fact's word at ``at``, in the clause starting at ``start``, is denied or not yet done
    (:data:`_NEGATED`, :data:`_UNREALISED`): "Mandalay did not join the network in 2023" and "Seberang Perai plans to
    pair with ..." state no joining and no pairing."""
    before = sentence[start:at]
    return bool(_NEGATED.search(before) or _UNREALISED.search(before))


def _elliptic(sentence: str, start: int, end: int, spans: list[tuple[int, int]], following: bool = False) -> bool:
    """Whether the clause from ``start`` to ``end`` holds nothing but names (``spans``), dates and the words of
    :data:`_ELLIPTIC`: no words of its own, so it shares those of the clause beside it; ``following`` a clause, also
    words that say its fact again (:data:`_FOLLOWED`)."""
    text = sentence[start:end]
    for s, e in sorted(spans, reverse=True):
        if start <= s and e <= end:
            text = f"{text[: s - start]} {text[e - start :]}"
    text = _DATE.sub(" ", text)
    return _ELLIPTIC.fullmatch((_FOLLOWED.sub(" ", text) if following else text).strip(" .")) is not None


def _relative_scope(sentence: str, offset: int, cities: list[Mention], at: int) -> list[Mention] | None:
    """The cities a fact's word at ``at`` is said of when it stands in a relative clause (", which ...", ", who ..."
    to the next comma): those the clause names, and the names it follows, all of them when they are coordinated
    ("Ipoh, Putrajaya and Seberang Perai, which were admitted this year"), the last alone when the clause speaks of
    one ("Manila, Cebu City, Davao City and Cauayan City, which became a member of the network in 2025": Cauayan
    City). None when the word stands in no relative clause, or in one that follows no name and names none ("Cauayan
    City in Isabela, which became ...": the word's clause says whose it is)."""
    relative = None
    for m in _RELATIVE.finditer(sentence, 0, at):
        if "," not in sentence[m.end() : at]:
            relative = m
    if relative is None:
        return None
    comma = sentence.find(",", at)
    end = comma if comma >= 0 else len(sentence)
    inside = [c for c in cities if relative.end() <= c.start - offset < end]
    followed: list[Mention] = []
    limit = relative.start()
    for c in sorted((c for c in cities if c.end - offset <= relative.start()), key=lambda c: -c.start):
        gap = sentence[c.end - offset : limit]
        if not (gap == "" if not followed else re.fullmatch(r",?\s+(?:and|or)\s+|,\s+", gap)):
            break
        followed.append(c)
        limit = c.start - offset
    said_of = (followed[:1] if _ONE.match(sentence, relative.end()) else followed) + inside
    return said_of or None


def _stated_of(
    sentence: str, offset: int, cities: list[Mention], words: list[re.Match], spans: list[tuple[int, int]]
) -> dict[Mention, tuple[int, int, int]]:
    """The cities a fact's ``words`` are said of, each with the span of the sentence its year may come from and where
    the word stands: the cities of each word's clause and of the clauses beside it that have no words of their own
    (:func:`_elliptic`), a clause after the word's with its own years ("Siem Reap joined in 2018 and Sihanoukville
    City followed this year": not 2018), or those of the word's relative clause (:func:`_relative_scope`); none of a
    word denied or only planned (:func:`_unstated`).

    Every city of a sentence took its facts: "Ipoh, Putrajaya and Seberang Perai joined the ASEAN Smart Cities
    Network in 2025, and Kuching was paired with JTEC" proposed Kuching joining in 2025 too."""
    bounds = _clause_bounds(sentence)
    scoped: dict[Mention, tuple[int, int, int]] = {}
    for word in words:
        index = next(i for i, (s, e) in enumerate(bounds) if s <= word.start() < e or i == len(bounds) - 1)
        if _unstated(sentence, bounds[index][0], word.start()):
            continue
        low, high = bounds[index]
        for i in range(index - 1, -1, -1):
            if not _elliptic(sentence, *bounds[i], spans):
                break
            low = bounds[i][0]
        for i in range(index + 1, len(bounds)):
            if not _elliptic(sentence, *bounds[i], spans, following=True):
                break
            high = bounds[i][1]
        relative = _relative_scope(sentence, offset, cities, word.start())
        named = [c for c in cities if low <= c.start - offset < high]
        if not named and relative is None and _PRONOUN.match(sentence[low:].lstrip()):
            named = [c for c in cities if c.start - offset < low]  # "...; it joined the network in 2023"
        for c in relative if relative is not None else named:
            later = [b for b in bounds if b[0] <= c.start - offset < b[1] and b[0] > bounds[index][1]]
            scoped.setdefault(c, (*(later[0] if later else (low, high)), word.start()))
    return scoped


def _paired_partners(sentence: str, offset: int, partners: list[Mention], trigger: re.Match, end: int) -> list[Mention]:
    """The partners a pairing clause (up to ``end``) pairs its city with: the first named after the pairing word
    and those named together with it ("paired with Japan and the City of Yokohama"), else those before it ("X and
    Da Nang were paired"), leaving out a partner named only as another one's home ("the City of Yokohama, Japan")
    or as the owner of the programme ("Japan's Smart JAMP"), unless it is the only one.

    Every partner in the sentence used to be paired: "paired with the City of Yokohama, Japan" proposed a Japan
    pairing the text does not state, as did "selected for support from the ... Trust Fund, which the Asian
    Development Bank administers for Australia's Department of Foreign Affairs and Trade" with the department.
    """
    spans = sorted(((m, m.start - offset, m.end - offset) for m in partners), key=lambda p: p[1])
    after = [(m, s, e) for m, s, e in spans if trigger.end() <= s < end]
    if after:
        named = [(m, s, e) for m, s, e in after if not _owner(sentence, e)] or after
        kept = named[:1]
        for m, s, e in named[1:]:
            if _COORDINATED.fullmatch(sentence, kept[-1][2], s):
                kept.append((m, s, e))
        return [m for m, _, _ in kept]
    side = [(m, s, e) for m, s, e in spans if e <= trigger.start()]
    ends = {e for _, _, e in spans}
    named = [(m, s, e) for m, s, e in side if not _owner(sentence, e)]
    named = [(m, s, e) for m, s, e in named if not any(sentence[x:s] == ", " for x in ends)]
    return [m for m, _, _ in named or side]


def _owner(sentence: str, end: int) -> bool:
    """Whether the name ending at ``end`` is written as the owner of the next ("Japan's Smart JAMP", "Japan's
    Ministry of Land, ..."): the owner is not the partner the sentence speaks of, unless it is the only one."""
    return sentence.startswith(("'s", "’s"), end)


_AND_CLAUSE = re.compile(
    r" and (?=(?:the )?(?:[A-Z][\w'’.-]*\s){1,4}(?:was|were|is|are|has|have|had|joined|became|signed|followed)\b)"
)
"""An "and" without a comma before a name and its verb: a second clause when the first has a fact's word of its own
("Kuching joined the ASCN in 2018 and Da Nang was twinned with the City of Yokohama"), a list's last name when it has
none ("Kuching and Kota Kinabalu joined")."""


def _clause_bounds(sentence: str) -> list[tuple[int, int]]:
    """Where each clause of a sentence starts and ends (:data:`_CLAUSE_BREAK`, :data:`_AND_CLAUSE`)."""
    bounds, start = [], 0
    for m in _CLAUSE_BREAK.finditer(sentence):
        bounds.append((start, m.start()))
        start = m.end()
    bounds.append((start, len(sentence)))
    split = []
    for start, end in bounds:
        for m in _AND_CLAUSE.finditer(sentence, start, end):
            if _JOIN.search(sentence, start, m.start()) or _PAIR.search(sentence, start, m.start()):
                split.append((start, m.start()))
                start = m.end()
        split.append((start, end))
    return split


def _pairing_clauses(sentence: str, spans: list[tuple[int, int]]) -> list[tuple[int, int, re.Match]]:
    """Each clause with a pairing word: where its cities may start, where it ends, and the pairing word.

    Two pairings in one sentence ("In Johor Bahru, PDT has been twinned with DC Water; in Cebu City, the water
    district works with Miami-Dade Water and Sewer") pair each city with its own clause's partner, not every city
    with the first partner. A clause of names alone (:func:`_elliptic`; ``spans`` are the names') lends its cities to
    the pairing clause after it ("Battambang, Davao City, and Luang Prabang were selected for ..."); a clause with
    words of its own does not ("Kota Kinabalu has been an ASCN city since 2018, while Johor Bahru's water operator
    was twinned with DC Water" paired Kota Kinabalu too).
    """
    found, lead = [], None
    for start, end in _clause_bounds(sentence):
        trigger = _PAIR.search(sentence, start, end)
        done = _DONE_WITH.search(sentence, start, end)
        if not trigger and done and _OWNED.search(sentence, start, done.start()):
            trigger = done
        if trigger:
            found.append((start if lead is None else lead, end, trigger))
            lead = None
        elif not _elliptic(sentence, start, end, spans):
            lead = None
        elif lead is None:
            lead = start
    return found


def _pairing(out, sentence, offset, cities, partners, programmes, known_spans, fact) -> bool:
    """Pairings, clause by clause (:func:`_pairing_clauses`): a city and the partners :func:`_paired_partners` finds,
    or a new partner after "with"; a clause whose subject is "it" or "they" and names no city (no partner) takes
    those named before it in the sentence ("Da Nang ... has been twinned with the City of Yokohama since 2013, and it
    was later selected for Japan's Smart JAMP programme"), as does one naming no city whose subject is "its ..."
    (:data:`_POSSESSIVE`); the programme named in the clause, else the sentence's when it has one pairing clause.
    Whether any was found (then the sentence is not also a project's)."""
    if not cities:
        return False
    clauses = _pairing_clauses(sentence, known_spans)
    paired = False
    for start, end, first in clauses:

        def within(m: Mention, start: int = start, end: int = end) -> bool:
            return start <= m.start - offset < end

        trigger: re.Match | None = first
        while trigger and _unstated(sentence, start, trigger.start()):
            # a relative clause after a denied pairing states its own ("Putrajaya has not ... been twinned with DC
            # Water, which works with Johor Bahru's water operator")
            trigger = _PAIR.search(sentence, trigger.end(), end)
            trigger = trigger if trigger and _relative_scope(sentence, offset, cities, trigger.start()) else None
        if trigger is None:
            continue
        # "it" or "they" stands for the city or the partner the clause does not name, named before it
        said_again = _PRONOUN.search(sentence, start, trigger.start())
        relative = _relative_scope(sentence, offset, cities, trigger.start())
        clause_cities = [c for c in cities if within(c)] if relative is None else relative
        own = [p for p in partners if within(p)]
        owned = _POSSESSIVE.search(sentence, start, trigger.start())
        if (said_again or owned or _THE_CITY.search(sentence, start, trigger.start())) and not clause_cities:
            clause_cities = [c for c in cities if c.start - offset < start]
        elif said_again and not own:
            own = [p for p in partners if p.start - offset < start]
        if not clause_cities:
            continue
        found = [entity(p) for p in _paired_partners(sentence, offset, own, trigger, end)]
        if not found:
            for m in _ORG_AFTER_WITH.finditer(sentence, trigger.start(), end):
                name = m[1].strip()
                if (
                    _outside(known_spans, m.start(1), m.end(1))
                    and len(name.split()) >= 2
                    and name.split()[0] not in _STOP_NAMES
                ):
                    out.add(fact("new-partner", name=literal(name)))
                    found.append(literal(name))
                    break
        named = [p for p in programmes if within(p)] or (programmes if len(clauses) == 1 else [])
        programme = entity(named[0]) if named else None
        city_iris = {c.entity.iri for c in clause_cities}
        for city in clause_cities:
            for partner in found:
                if partner.iri not in city_iris:
                    out.add(fact("pairing", city=entity(city), partner=partner, programme=programme))
        paired = paired or bool(found)
    return paired


def _lender(sentence, offset, cities, partners, programmes, fact) -> Fact | None:
    """A pairing waiting for its cities: a sentence naming no city in which one partner (not written as another's
    owner) supports cities it does not name, with its programme. The sentence after it names them ("Japan's
    Ministry of Land, ... supports member cities through Smart JAMP surveys. In Đà Nẵng the survey looked at
    digital maps ...; in Cebu City, at ... mobility data." pairs both cities with the ministry), when it names no
    partner of its own."""
    named = [p for p in partners if not _owner(sentence, p.end - offset)]
    if cities or len({p.entity.iri for p in named}) != 1 or not _UNNAMED_CITIES.search(sentence):
        return None
    programme = entity(programmes[0]) if len({p.entity.iri for p in programmes}) == 1 else None
    return fact("pairing", partner=entity(named[0]), programme=programme)


def _status(sentence: str) -> Value | None:
    """The project status a sentence states, or None when it states none or several.

    A study that is done ("the pre-feasibility study ... is completed") is the planning of a project, not its
    completion; and a sentence with two statuses ("the study is completed, but ... the project remains in planning")
    is left for the reviewer rather than guessed, where the first status found used to win.
    """
    text = _STUDY_DONE.sub(" ", sentence)
    found = {status for status, pattern in _STATUS if pattern.search(text)}
    return literal(found.pop()) if len(found) == 1 else None


def _project(out, sentence, offset, cities, partners, projects, known_spans, fact) -> None:
    """A project fact: a sentence with a project word (project, launched, built...) and a city or a known project,
    a known project with a status ("the Intelligent Operation Centre is still being expanded") or with a partner
    and words of its support ("USTDA technical assistance is helping Ho Chi Minh City prepare a fully functioning
    Integrated Operation Centre"), or a new project whose name says it is one. Its partner is the first named that
    is not written as another's owner ("Japan's Ministry of Land, ...": the ministry). Known projects named in
    different clauses are read clause by clause: "The Kuching Smart City Master Plan has been completed; Kota
    Kinabalu's Integrated Public Transport System is under way" gave both projects Kota Kinabalu and, with two
    statuses, none."""
    bounds = [b for b in _clause_bounds(sentence) if any(b[0] <= p.start - offset < b[1] for p in projects)]
    if len(bounds) > 1:
        for start, end in _clause_bounds(sentence):

            def inside(found: list[Mention], start: int = start, end: int = end) -> list[Mention]:
                return [m for m in found if start <= m.start - offset < end]

            spans = [(a - start, b - start) for a, b in known_spans]
            clause = sentence[start:end]
            _project(out, clause, offset + start, inside(cities), inside(partners), inside(projects), spans, fact)
        return
    status = _status(_named_as_project(sentence, offset, projects))
    partners = [p for p in partners if not _nationality(sentence, p.end - offset, p)]
    supporters = _supporters(sentence, offset, partners, projects)
    if not (_PROJECT.search(sentence) and (cities or projects)) and not (projects and status) and not supporters:
        return
    partners = supporters or partners
    named = [p for p in partners if not _owner(sentence, p.end - offset)] or partners
    partner = entity(named[0]) if named else None
    if projects:
        for project in projects:
            out.add(
                fact(
                    "project",
                    project=entity(project),
                    city=entity(cities[0]) if cities else None,
                    partner=partner,
                    status=status,
                )
            )
        return
    if not cities:
        return
    name = None
    quoted = _QUOTED.search(sentence)
    if quoted and _outside(known_spans, quoted.start(1), quoted.end(1)):
        name = quoted[1].strip()
    else:
        for m in _NAMED_PROJECT.finditer(sentence):
            candidate = re.sub(r"^(?:the|of|and|for|in) ", "", m[1], flags=re.I)
            if _outside(known_spans, m.start(1), m.end(1)) and candidate.split()[0] not in _STOP_NAMES:
                name = candidate
                break
    if name is None:
        return
    out.add(fact("new-project", name=literal(name)))
    out.add(fact("project", name=literal(name), city=entity(cities[0]), partner=partner, status=status))


def _named_as_project(sentence: str, offset: int, projects: list[Mention]) -> str:
    """The sentence with each known project's name said as "the project", so that the words of a name are no status
    of it: "the Master Planning Study for Smart City Development has since been completed" is a done project, where
    the study in its name read as a done study, the planning of another."""
    for p in sorted(projects, key=lambda m: m.start, reverse=True):
        start, end = p.start - offset, p.end - offset
        if 0 <= start < end <= len(sentence):
            sentence = f"{sentence[:start]}the project{sentence[end:]}"
    return sentence


def _nationality(sentence: str, end: int, partner: Mention) -> bool:
    """Whether a state's name (ending at ``end``) is written as the adjective of a lower-case noun ("U.S. technical
    assistance", "Japan smart city funds"): it says where the help comes from, not which body gives it, and is no
    project's partner. The headline "HCMC's Integrated Operation Centre moves ahead with U.S. technical assistance"
    proposed the United States as the centre's partner where the article names USTDA; an agency so written
    ("USTDA technical assistance is helping ...") is the partner."""
    return partner.entity.state and re.match(r" [a-z]", sentence[end:]) is not None


def _supporters(sentence: str, offset: int, partners: list[Mention], projects: list[Mention]) -> list[Mention]:
    """The partners named in a clause with a known project and words of support: the partner's part in it.

    A partner in another clause is not: "The Meeting thanked Japan ... for their continued support, and noted the
    completion of the Luang Prabang Smart and Integrated Urban Strategy" names no partner of the strategy."""
    for start, end in _clause_bounds(sentence):
        inside = [p for p in partners if start <= p.start - offset < end]
        if inside and _SUPPORT.search(sentence, start, end) and any(start <= p.start - offset < end for p in projects):
            return inside
    return []


_PARTY_END = re.compile(rf"\s(?:(?:with|under)\b|(?:on|in|at|from|and|during) (?:\d|(?:{MONTHS}|{_WEEKDAYS})\b))")
"""Where a chair's or host's words end: at a date, a chair or a rule said after them ("Bali on 12 July 2023 with
Indonesia in the chair", "Luang Prabang under Lao PDR's chairmanship")."""


def _party(found: re.Match, mentions: list[Mention], offset: int) -> Value:
    """A chair or host: the entity named where ``found`` names it, else the words themselves, both up to the date,
    chair or rule that follows them (:data:`_PARTY_END`: "Busan in November 2019", "Bali on Wednesday" are Busan,
    Bali; in "held in Bali on 12 July 2023 with Indonesia in the chair" the host is Bali, not Indonesia). The mention
    must stand there, not merely read the same: in "held in Singapore ... under Singapore's chairmanship" the host
    is the city and the chair the state."""
    words = _PARTY_END.split(found[1], 1)[0]
    start = found.start(1)
    end = start + len(words)
    for m in mentions:
        if m.entity.kind in ("country", "city", "partner") and start <= m.start - offset < end:
            return entity(m)
    return literal(re.sub(r"^the ", "", words.strip(), flags=re.I))


def _said_again(sentence: str, noun: re.Match) -> bool:
    """Whether a meeting word is "the meeting" alone, not a named or described event ("the 8th ASCN Annual
    Meeting", "the inaugural ASCN meeting")."""
    return bool(re.search(r"(?:^|\bthe )$", sentence[: noun.start()], re.I))


_OPENED = re.compile(r"\b(?:opened|opening|began|started)\b[^.;]{0,60}$", re.I)
_RANGE_START = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s*(?:-|–|to)\s*$")


def _event_date(sentence: str) -> str | None:
    """The date of the event a sentence tells of, as written: the day it opened where it says so, else its first
    date, the first day of a range ("held in Kuala Lumpur from 8 to 12 September 2025 and was opened by the Minister
    on 9 September 2025" is 9 September; "from 8 to 12 September 2025" alone 8 September, not 12)."""
    dates = list(_DATE.finditer(sentence))
    if not dates:
        return None
    found = next((d for d in dates if _OPENED.search(sentence, 0, d.start())), dates[0])
    start = _RANGE_START.search(sentence, 0, found.start())
    return re.sub(r"^\d{1,2}", start[1], found[1]) if start and found[1][0].isdigit() else found[1]


def _milestone(out, sentence, offset, mentions, fact, filed: str | None = None) -> Fact | None:
    """A meeting, summit, workshop... with a date (else the date of the sentence's dateline, ``filed``); its chair ("chaired by X", "under X's chairmanship", "X, which
    chaired") and host ("hosted by X", "held in X", "the Meeting in X", "X hosted the ...").

    A sentence that speaks of the event only as "the Meeting" refers to one named before, and a date in it is
    another event's: "The Meeting ... noted the completion of the ... Strategy in December 2023" is no meeting of
    December 2023."""
    nouns = [m for m in _MEETING.finditer(sentence) if m[1].lower() not in ("endorsed", "adopted")]
    if not _MEETING.search(sentence) or (nouns and all(_said_again(sentence, m) for m in nouns)):
        return None
    year = _EVENT_YEAR.search(sentence)
    written = _event_date(sentence)
    iso = iso_date(written or _filed_day(sentence, filed) or filed or (year and (year[1] or year[2])))
    if iso is None or _to_come(sentence, written):
        return None
    kind = XSD + {10: "date", 7: "gYearMonth"}.get(len(iso), "gYear")
    chair = (
        _CHAIR.search(sentence)
        or _CHAIR_WITH.search(sentence)
        or _CHAIR_OWNED.search(sentence)
        or _CHAIR_BEFORE.search(sentence)
    )
    host = (
        _HOST.search(sentence)
        or _HOST_WELCOME.search(sentence)
        or _HOST_BEFORE.search(sentence)
        or _HOST_SUBJECT.search(sentence)
    )
    name = _EVENT_NAME.search(sentence)
    found = fact(
        "milestone",
        date=literal(iso, kind),
        event=literal(re.sub(r"^the ", "", name[1], flags=re.I)) if name else None,
        chair=_party(chair, mentions, offset) if chair else None,
        host=_party(host, mentions, offset) if host else None,
    )
    out.add(found)
    return found


_FUTURE_EVENT = re.compile(
    r"\b(?:(?:will|shall|is to|are to)(?: \w+)? (?:be held|be hosted|be convened|take place|convene|open|meet|host|"
    r"hold)|(?:is|are|was|were) (?:scheduled|planned|set|due|slated) (?:for|on|in|to)|upcoming|forthcoming)\b",
    re.I,
)


def _to_come(sentence: str, written: str | None) -> bool:
    """Whether the meeting is told of as one to come, in the clause of its date (the sentence's, when the date is not
    written in it): "The 9th ASCN Annual Meeting will be held in Manila on 20 October 2026", "is scheduled for 9
    September 2025", "The Philippines will host the 9th ... Meeting" are plans, not meetings held; "The 8th ... was
    held in Kuala Lumpur on 9 September 2025, and the 9th will be held in Manila ..." is the 8th's."""
    at = sentence.find(written) if written else -1
    bounds = [(s, e) for s, e in _clause_bounds(sentence) if s <= at < e] or [(0, len(sentence))]
    return bool(_FUTURE_EVENT.search(sentence, *bounds[0]))


def _filed_day(sentence: str, filed: str | None) -> str | None:
    """A day and month the sentence writes without a year, in the year of its dateline: "VIENTIANE, 31 July 2024
    (KPL) - The 7th ... Meeting opened in Luang Prabang on 30 July" is a meeting of 30 July 2024, not of the day the
    story was filed."""
    day = None if _DATE.search(sentence) else _DAY_MONTH.search(sentence)
    year = _YEAR.search(filed) if filed else None
    return f"{day[1]} {day[2]} {year[1]}" if day and year else None


def _chair_after(out: Extraction, meeting: Fact, sentence: str, offset: int, mentions: list[Mention]) -> None:
    """A meeting's chair named in the sentence right after it, as the subject of chairing ("The 8th Annual Meeting
    was held in Kuala Lumpur on 9 September 2025. Malaysia was the chair."; a chair's statement's "..., Minister of
    Interior of the Kingdom of Cambodia, chaired the Meeting."): the meeting with its chair, when a member state
    stands there. A state named chair for a later year ("Cambodia was named chair for 2022") is not one."""
    found = _CHAIR_BEFORE.search(sentence)
    chair = _party(found, mentions, offset) if found else None
    if chair is None or chair.iri is None or "/country/" not in chair.iri:
        return
    out.add(
        Fact(
            "milestone",
            {**meeting.fields, "chair": chair},
            f"{meeting.evidence} {sentence}",
            meeting.start,
            offset + len(sentence),
        )
    )


_SEAT = re.compile(
    r"\b(?:Embass(?:y|ies)|Consulate(?: General)?|High Commission)(?: of (?:the )?[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*)*)?"
    r"(?: in|,) $|"
    r"\b(?:[Mm]inistry|[Aa]gency|[Ss]ecretariat|[Dd]epartment)(?: of (?:the )?[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*)*)? in $"
)
"""Where a city is only the seat of the mission that reports ("The U.S. Embassy in Kuala Lumpur announced today that
Johor Bahru's water operator ... has been twinned with DC Water" paired Kuala Lumpur too; "the Embassy of Japan in
Vientiane said ...", "Statement by the Australian Embassy, Phnom Penh"), or of a ministry or agency ("Denpasar and
Semarang joined in 2025, the home affairs ministry in Jakarta said"): no subject of the sentence's facts."""
_MINUTES = re.compile(r"^\W*(?:MINUTES|Minutes) (?:OF|of)\b", re.M)
"""A document that is a body's minutes, as its heading says ("MINUTES OF THE FULL BOARD MEETING NO. 7/2025")."""
_LINE = re.compile(r"[^.!?\n]{0,100}")
"""A line of its own, without a full stop: a programme's or an invitation's "Venue: Kuala Lumpur, Malaysia"."""
_MEETINGS = re.compile(r"\b(?:meeting|summit|conference|workshop|forum)s\b", re.I)
"""Meetings named together, as a chronology's heading names them ("## Annual meetings")."""
_YEAR_ITEM = re.compile(r"^(?:[-*•]\s*)?(20\d\d)\s*[:–-]\s*(.+)$")
"""An item of a chronology: "- 2019: Bangkok, Thailand (the second meeting, 22-23 August)"."""
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:\s*[-–]\s*\d{{1,2}})?\s+({MONTHS})\b")
_PLACE_FIRST = re.compile(r"([A-Z][\w'-]*(?: [A-Z][\w'-]*)*)\s*(?:,|\(|$)")


def _event_lines(
    out: Extraction,
    text: str,
    start: int,
    end: int,
    mentions: list[Mention],
    networks: Callable[[str, list[Mention]], bool],
) -> None:
    """A meeting named in a sentence without a date, and the lines right after it that give its place, date and
    chair ("... invite your city to the 8th ASCN Annual Meeting." then "Venue: Kuala Lumpur, Malaysia",
    "Opening session: Tuesday, 9 September 2025", "Chair: Malaysia"): one milestone, read from the sentence and
    its lines together (:func:`_milestone`), its evidence all of them. A line break ends a sentence, so the
    date stood in no sentence with the meeting. Lines that each start with a year are a chronology, a meeting
    each (:func:`_chronology_item`). ``networks`` says whether the meeting may be the network's (not in minutes,
    whose own meetings are the body's)."""
    block = text[start:end]
    if "\n" not in block:
        return
    items: list[tuple[int, re.Match]] = []
    for at, line in _lines(block, start)[1:]:
        item = _YEAR_ITEM.match(line)
        if line and item is None:
            break
        if item:
            items.append((at, item))
    for at, item in items:
        _chronology_item(out, item, at, [m for m in mentions if at <= m.start < at + len(item[0])])
    if items:
        return

    def fact(kind: str, **fields: Value) -> Fact:
        return Fact(kind, {k: v for k, v in fields.items() if v is not None}, block, start, end)

    if networks(block, mentions):
        _milestone(out, block, start, mentions, fact)


def _lines(block: str, start: int) -> list[tuple[int, str]]:
    """Each line of a block of text, stripped, with where it starts in the document."""
    found, at = [], start
    for raw in block.split("\n"):
        found.append((at + len(raw) - len(raw.lstrip()), raw.strip()))
        at += len(raw) + 1
    return found


def _chronology_item(out: Extraction, item: re.Match, start: int, mentions: list[Mention]) -> None:
    """One meeting of a chronology under a heading naming meetings: the item's year and the day and month it gives
    ("- 2019: Bangkok, Thailand (the second meeting, 22-23 August)" is 22 August 2019), else the year alone; its
    host, the place the item starts with; its chair, "chaired by X". A list of meetings writes no sentence a
    meeting could be read from: an encyclopedia entry's five meetings were none."""
    line, (year, rest) = item[0], item.groups()
    day = _DAY_MONTH.search(rest)
    iso = iso_date(f"{day[1]} {day[2]} {year}" if day else year)
    if iso is None:
        return
    offset = start + line.index(rest)
    chair = _CHAIR.search(rest)
    place = _PLACE_FIRST.match(rest)
    cities = [m for m in mentions if m.entity.kind == "city" and (not chair or m.start - offset < chair.start())]
    host = entity(cities[0]) if cities else literal(place[1]) if place else None
    fields = {
        "date": literal(iso, XSD + ("date" if len(iso) == 10 else "gYear")),
        "chair": _party(chair, mentions, offset) if chair else None,
        "host": host,
    }
    out.add(Fact("milestone", {k: v for k, v in fields.items() if v is not None}, line, start, start + len(line)))


def _table_count(out, header: list[str], cells: list[str], fact) -> None:
    """A count in a row of a table, in a document about the network, whose header names a column of cities,
    members or projects and one of dates ("| As of | Cities |" and the row "| July 2023 | 29 |"): a table of the
    network's growth writes no sentence a count could be read from."""
    columns = [(i, found) for i, name in enumerate(header) if (found := _COUNTED_COLUMN.match(name))]
    dated = next((i for i, name in enumerate(header) if _DATE_COLUMN.match(name)), None)
    if not columns or dated is None or max(columns[0][0], dated) >= len(cells):
        return
    (counted, column), as_of = columns[0], iso_date(cells[dated])
    value = cells[counted]
    if not re.fullmatch(r"\d{1,3}", value) or as_of is None:
        return
    out.add(
        fact(
            "count",
            counted=literal("cities" if column["members"] else column["counted"].lower()),
            value=literal(value, XSD + "integer"),
            as_of=literal(as_of),
        )
    )


def _number(value: str) -> int:
    """A count's value, written in digits or in words ("Twenty-nine")."""
    if value.isdigit():
        return int(value)
    tens, _, unit = value.lower().replace(" ", "-").partition("-")
    return _TENS[tens] + _UNITS.get(unit, 0)


def _count(
    out,
    sentence,
    doc_date,
    fact,
    patterns: tuple[re.Pattern, ...] = (
        _COUNT,
        _COUNT_TO,
        _COUNT_NUMBERED,
        _COUNT_LABEL,
        _COUNT_ORDINAL,
        _TOTAL,
        _COUNT_AGAINST,
    ),
) -> None:
    """Member-city and project counts, in a sentence about the network or its member cities ("the member cities
    reported 108 projects", in a document about the network), or written as a report's label in a document about
    the network ("Projects reported: 134"): "the ministry selected 12 projects in 11 countries" counts a partner's
    programme, not the network's projects. A date written after the count in its clause is its own ("By September
    2025 the network had 35 member cities, up from 26 pilot cities in 2018": 26 as of 2018, 35 as of September
    2025); else the sentence's first outside the other counts' clauses ("The network now counts 35 cities across the
    region, up from 26 pilot cities in 2018": 35 is not of 2018)."""
    found = sorted((m for pattern in patterns for m in pattern.finditer(sentence)), key=lambda m: m.start())

    def rest(m: re.Match) -> str:
        """The rest of the count's clause."""
        return re.split(r"[,;:]", sentence[m.end() :], maxsplit=1)[0]

    counted = None
    for m in found:
        value = _number(m["value"])
        bare = m.re in (_TOTAL, _COUNT_AGAINST)  # counts what the count before it counted
        counted = "cities" if m.re is _COUNT_ORDINAL else m["counted"].lower() if not bare else counted
        if value < 2 or counted is None:
            continue
        first = m.re is _COUNT and m["first"]
        own = rest(m)
        # the sentence without the other counts' clauses, whose dates are theirs
        theirs = [(n.start(), n.end() + len(rest(n))) for n in found if n.start() != m.start()]
        outside = "".join(" " if any(a <= i < b for a, b in theirs) else c for i, c in enumerate(sentence))
        date = _DATE.search(own) or (None if _YEAR.search(own) else _DATE.search(outside))
        year = _year(own) or _year(outside, None if first else doc_date)
        as_of = iso_date(date[1]) if date else year.literal if year else None if first else doc_date
        out.add(
            fact(
                "count",
                counted=literal(counted),
                value=literal(str(value), XSD + "integer"),
                as_of=literal(as_of) if as_of else None,
            )
        )
