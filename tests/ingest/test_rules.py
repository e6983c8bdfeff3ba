"""The ingester's fact rules on named sentences: the exact proposals each makes, and so the ones it must not make."""

from __future__ import annotations

import pytest

from loaders.ingest import analyse
from loaders.ingest.documents import Document
from loaders.ingest.linker import Gazetteer


@pytest.fixture(scope="module")
def gazetteer(store) -> Gazetteer:
    return Gazetteer.from_store(store)


def proposals(
    gazetteer: Gazetteer, text: str, date: str | None = None, publisher: str | None = None
) -> list[tuple[str, dict[str, str]]]:
    """Every proposal for ``text`` (facts, then new entities): its kind and fields, entities as their ids."""
    extraction = analyse(Document("note.txt", text, date=date, publisher=publisher), gazetteer).extraction
    return [
        (f.kind, {k: (v.iri.rsplit("/id/", 1)[1] if v.iri else v.literal) for k, v in f.fields.items()})
        for f in [*extraction.facts, *extraction.new_entities]
    ]


YOKOHAMA = ("pairing", {"city": "city/da-nang", "partner": "partner/yokohama", "programme": "programme/smart-jamp"})
KL_MEETING = {"date": "2025-09-09", "event": "8th ASCN Annual Meeting", "host": "city/kuala-lumpur"}


def joined(city: str, year: str | None = None) -> tuple[str, dict[str, str]]:
    return ("joining", {"city": f"city/{city}", **({"year": year} if year else {})})


def paired(city: str, partner: str, programme: str | None = None) -> tuple[str, dict[str, str]]:
    return (
        "pairing",
        {"city": f"city/{city}", "partner": f"partner/{partner}", **({"programme": programme} if programme else {})},
    )


@pytest.mark.parametrize(
    "text,expected",
    [
        # a memorandum between a city and a partner pairs them, wherever the partner stands
        (
            "Yokohama and Đà Nẵng signed a memorandum on urban environmental issues in 2013.",
            [("pairing", {"city": "city/da-nang", "partner": "partner/yokohama"})],
        ),
        # the same pairing said again without its programme is one proposal
        (
            "Da Nang was paired with Yokohama under the Smart JAMP programme. Da Nang and the City of Yokohama "
            "signed a memorandum.",
            [YOKOHAMA],
        ),
        # "Our ..." in a city's own text is the city named before
        (
            "Cebu City's mayor wrote this foreword.\n\nOur water district is now twinned with Miami-Dade Water and Sewer.",
            [("pairing", {"city": "city/cebu-city", "partner": "partner/miami_dade_wasd"})],
        ),
        # a partner supporting cities it does not name: the next sentence names them; two partners lend none
        (
            "Japan's Ministry of Land, Infrastructure, Transport and Tourism supports member cities through Smart JAMP "
            "surveys. In Đà Nẵng the survey looked at digital maps; in Cebu City, at mobility data.",
            [
                (
                    "pairing",
                    {"city": f"city/{c}", "partner": "partner/japan_mlit", "programme": "programme/smart-jamp"},
                )
                for c in ("da-nang", "cebu-city")
            ],
        ),
        ("Japan and Australia support member cities. Davao City and Cebu City took part.", []),
        # the audit's extra Japan pairing: Japan is Yokohama's home, the programme's owner, or in another clause
        ("Da Nang has been paired with the City of Yokohama, Japan, under the Smart JAMP programme.", [YOKOHAMA]),
        ("Under Japan's Smart JAMP programme, Da Nang was paired with the City of Yokohama.", [YOKOHAMA]),
        (
            "Da Nang has been paired with the City of Yokohama under the Smart JAMP programme, and the two cities "
            "signed a memorandum with Japan.",
            [YOKOHAMA],
        ),
        ("Da Nang was twinned in 2013, and the city later signed a loan with JICA.", []),
        # partners named together after the pairing word, or before it, are each paired
        (
            "Da Nang was paired with Japan and the City of Yokohama.",
            [
                ("pairing", {"city": "city/da-nang", "partner": "partner/japan"}),
                ("pairing", {"city": "city/da-nang", "partner": "partner/yokohama"}),
            ],
        ),
        (
            "The City of Yokohama and Da Nang were twinned.",
            [("pairing", {"city": "city/da-nang", "partner": "partner/yokohama"})],
        ),
        # each city of a joining sentence takes the year written after it (else the one before it), not the first
        (
            "Malaysia counts seven ASCN cities: Kuching and Kota Kinabalu, founding members since 2018, together with "
            "Ipoh and Putrajaya, which were admitted in 2025.",
            [
                ("joining", {"city": "city/kuching", "year": "2018"}),
                ("joining", {"city": "city/kota-kinabalu", "year": "2018"}),
                ("joining", {"city": "city/ipoh", "year": "2025"}),
                ("joining", {"city": "city/putrajaya", "year": "2025"}),
            ],
        ),
        (
            "After Timor-Leste was admitted to ASEAN in October 2025, Dili became the 38th member of the network in "
            "January 2026.",
            [("joining", {"city": "city/dili", "year": "2026"})],
        ),
        (
            "In 2025, Ipoh and Putrajaya joined the network.",
            [
                ("joining", {"city": "city/ipoh", "year": "2025"}),
                ("joining", {"city": "city/putrajaya", "year": "2025"}),
            ],
        ),
        # membership dated by "since"; members said to have done something since a year have not joined then
        (
            "Davao City has been one of the Philippines' cities in the ASEAN Smart Cities Network since 2018.",
            [("joining", {"city": "city/davao-city", "year": "2018"})],
        ),
        ("Yangon and Mandalay, also early ASCN members, have reported no new projects since 2021.", []),
        # a place that says where the subject is, is not a new city
        (
            "Cauayan City in Isabela became the fourth Philippine member of the network in 2025.",
            [("joining", {"city": "city/cauayan-city", "year": "2025"})],
        ),
        ("Laos joined the network in 2018.", []),
        # two pairing clauses in a sentence: each city with its own clause's partner ("learns from" pairs too)
        (
            "In Johor Bahru, the state utility has been twinned with DC Water; in Cebu City, the water district works "
            "with Miami-Dade Water and Sewer.",
            [
                ("pairing", {"city": "city/johor-bahru", "partner": "partner/dc_water"}),
                ("pairing", {"city": "city/cebu-city", "partner": "partner/miami_dade_wasd"}),
            ],
        ),
        (
            "Vientiane was matched with Clean Water Services, while the Saigon Water Corporation, which serves Ho Chi "
            "Minh City, learns from the San Francisco Public Utilities Commission.",
            [
                ("pairing", {"city": "city/vientiane", "partner": "partner/clean_water_services"}),
                ("pairing", {"city": "city/ho-chi-minh-city", "partner": "partner/sfpuc"}),
            ],
        ),
        # "selected for": the partner is the first named after it, not one the programme is run for
        (
            "Battambang and Luang Prabang were selected for support from the ASEAN-Australia Smart Cities Trust Fund, "
            "which the Asian Development Bank administers for Australia's Department of Foreign Affairs and Trade.",
            [
                ("pairing", {"city": "city/battambang", "partner": "partner/adb", "programme": "programme/aasctf"}),
                ("pairing", {"city": "city/luang-prabang", "partner": "partner/adb", "programme": "programme/aasctf"}),
            ],
        ),
        # "the city" is the one city the sentence before named; with none named, nothing
        (
            "Davao City is an ASCN member. The city works with USTDA.",
            [("pairing", {"city": "city/davao-city", "partner": "partner/ustda"})],
        ),
        ("Davao City and Cebu City are ASCN members. The city works with USTDA.", []),
        ("The city works with USTDA.", []),
        # "the agency" is the one partner the sentence before named
        (
            "Under the partnership, USTDA helps Ho Chi Minh City. In Johor Bahru, the agency funded the architecture "
            "of IMAC, which is being built.",
            [
                (
                    "project",
                    {
                        "project": "project/jhb-imac",
                        "city": "city/johor-bahru",
                        "partner": "partner/ustda",
                        "status": "ongoing",
                    },
                )
            ],
        ),
        # a known project named in a pairing sentence is still that project's sentence
        (
            "Davao City works with USTDA, which paid for an upgrade of the PSSCC.",
            [
                ("pairing", {"city": "city/davao-city", "partner": "partner/ustda"}),
                (
                    "project",
                    {"project": "project/dvo-command-centre", "city": "city/davao-city", "partner": "partner/ustda"},
                ),
            ],
        ),
        # a count is the network's only in a sentence about the network (here: Korea's K-City Network)
        ("In its first round the ministry selected 12 projects in 11 countries.", []),
        (
            "As of September 2024, ASCN cities reported 108 projects.",
            [("count", {"counted": "projects", "value": "108", "as_of": "2024-09"})],
        ),
        # in a document about the network, a count said of its member cities, or written as a report's label
        (
            "ASCN monitoring.\n\nTogether, the member cities reported 108 projects in September 2024, of which 81 "
            "were ongoing.",
            [("count", {"counted": "projects", "value": "108", "as_of": "2024-09"})],
        ),
        ("Together, the member cities reported 108 projects in September 2024.", []),
        (
            "ASCN monitoring report\n\nReporting cities: 35 (as of September 2025). Projects reported: 134.",
            [
                ("count", {"counted": "cities", "value": "35", "as_of": "2025-09"}),
                ("count", {"counted": "projects", "value": "134"}),
            ],
        ),
        # a count as a number reached: the number before "to" is the old one
        (
            "The ASCN raised the number of participating cities from 26 to 29.",
            [("count", {"counted": "cities", "value": "29"})],
        ),
        ("The network raised the number of pilot cities to 26.", []),
        # a done study is a project's planning; two statuses are left to the reviewer
        (
            "Vientiane - Drainage System and Environmental Improvement: the pre-feasibility study supported by KEITI "
            "is completed, but the city is still seeking funds for construction, so the project remains in planning.",
            [
                (
                    "project",
                    {
                        "project": "project/vte-drainage",
                        "city": "city/vientiane",
                        "partner": "partner/keiti",
                        "status": "planning",
                    },
                )
            ],
        ),
        (
            "Phuket said its Smart Beach Safety Project is completed, and a second project is planned.",
            [
                ("project", {"name": "Smart Beach Safety Project", "city": "city/phuket"}),
                ("new-project", {"name": "Smart Beach Safety Project"}),
            ],
        ),
        # a known project with a status is a project sentence without a project word; without a status, nothing
        (
            "Da Nang's Intelligent Operation Centre, which handles complaints and traffic reports, is still being "
            "expanded, officials said.",
            [("project", {"project": "project/dad-ioc", "city": "city/da-nang", "status": "ongoing"})],
        ),
        (
            "Seberang Perai is still rolling out its INFLOS flood pump-house monitoring system.",
            [("project", {"project": "project/spi-inflos", "city": "city/seberang-perai", "status": "ongoing"})],
        ),
        ("Officials from Da Nang presented the Intelligent Operation Centre.", []),
        # a project said again as the subject ("It", "The system") of its paragraph's next status
        (
            "Luang Prabang - Smart and Integrated Urban Strategy\nPrepared with Ramboll, the Luang Prabang Smart and "
            "Integrated Urban Strategy sets out pilot projects. It was completed in December 2023.",
            [
                ("project", {"project": "project/lpq-urban-strategy", "partner": "partner/ramboll"}),
                ("project", {"project": "project/lpq-urban-strategy", "status": "completed"}),
            ],
        ),
        (
            "Cebu City - Automated Citywide Traffic Control System (ACTS)\nPhase 1 is complete. The system remains "
            "ongoing.",
            [("project", {"project": "project/ceb-acts", "status": "ongoing"})],
        ),
        ("Cebu City - Automated Citywide Traffic Control System (ACTS)\n\nIt remains ongoing.", []),
        # urban planning is a subject, not a project's status
        (
            "Da Nang is building a Digital Map Platform for urban planning.",
            [
                ("project", {"name": "Digital Map Platform", "city": "city/da-nang"}),
                ("new-project", {"name": "Digital Map Platform"}),
            ],
        ),
        # a meeting's chair and host in the usual wordings; a chairmanship handed over is not the meeting's chair
        (
            "The 8th ASCN Annual Meeting was convened in Kuala Lumpur on 9 September 2025 under Malaysia's "
            "chairmanship.",
            [("milestone", {**KL_MEETING, "chair": "country/my"})],
        ),
        (
            "Malaysia handed the ASCN chairmanship for 2026 to the Philippines at the 8th ASCN Annual Meeting in "
            "Kuala Lumpur on 9 September 2025.",
            [("milestone", KL_MEETING)],
        ),
        (
            "The inaugural ASCN meeting was held in Singapore on 8 July 2018 under Singapore's chairmanship.",
            [("milestone", {"date": "2018-07-08", "chair": "country/sg", "host": "city/singapore"})],
        ),
        (
            "It was first proposed at the ASEAN-ROK Ministerial Meeting on Smart City held in Busan in November 2019.",
            [("milestone", {"date": "2019-11", "event": "ASEAN-ROK Ministerial Meeting", "host": "Busan"})],
        ),
        # the host with the date between ("held on ... in"), or a weekday after it
        (
            "The Seventh Annual Meeting took place on 30th July 2024 at Luang Prabang, and was chaired by the Lao PDR.",
            [
                (
                    "milestone",
                    {
                        "date": "2024-07-30",
                        "event": "Seventh Annual Meeting",
                        "chair": "country/la",
                        "host": "city/luang-prabang",
                    },
                )
            ],
        ),
        (
            "NUSA DUA, July 12, 2023 - Indonesia opened the 6th ASCN Annual Meeting in Bali on Wednesday (12/7).",
            [("milestone", {"date": "2023-07-12", "event": "6th ASCN Annual Meeting", "host": "Bali"})],
        ),
        # "picked", "links ... with"; a clause whose subject is "it" takes the partner named before it
        (
            "Korea's Ministry of Land, Infrastructure and Transport launched the K-City Network programme on 31 "
            "January 2020, and in its first round it picked three ASCN cities: Kota Kinabalu, Vientiane and Khon Kaen.",
            [
                (
                    "pairing",
                    {"city": f"city/{c}", "partner": "partner/korea_molit", "programme": "programme/k-city-network"},
                )
                for c in ("kota-kinabalu", "vientiane", "khon-kaen")
            ],
        ),
        (
            "The newest, in Cebu City, links the Metropolitan Cebu Water District with Miami-Dade Water and Sewer.",
            [("pairing", {"city": "city/cebu-city", "partner": "partner/miami_dade_wasd"})],
        ),
        ("Korea's Ministry of Land, Infrastructure and Transport met, and Kota Kinabalu picked a consultant.", []),
        # "the completion of" a known project is its completion, not an expected or planned one
        (
            "Luang Prabang is a member. The Meeting noted the completion of the Luang Prabang Smart and Integrated "
            "Urban Strategy in December 2023.",
            [("project", {"project": "project/lpq-urban-strategy", "status": "completed"})],
        ),
        (
            "Luang Prabang is a member. The expected completion of the Luang Prabang Smart and Integrated Urban "
            "Strategy is 2023.",
            [],
        ),
        # a project in operation or still being carried out is ongoing; one that has been in operation is done
        (
            "Chiang Mai's Wildfire Prevention and Solution Command Centre is in operation.",
            [("project", {"project": "project/cnx-wildfire-centre", "city": "city/chiang-mai", "status": "ongoing"})],
        ),
        (
            "Chiang Mai's Wildfire Prevention and Solution Command Centre has been in operation since 2020.",
            [("project", {"project": "project/cnx-wildfire-centre", "city": "city/chiang-mai", "status": "completed"})],
        ),
        (
            "Denpasar is in the network. The Denpasar Smart City Master Plan, issued as a mayoral regulation in 2019, "
            "is still being carried out.",
            [("project", {"project": "project/dps-smart-city-masterplan", "status": "ongoing"})],
        ),
        # a project that "is live" or is "still running" goes on
        (
            "Phuket's TravelLink tourism customer data platform is live.",
            [("project", {"project": "project/hkt-travellink", "city": "city/phuket", "status": "ongoing"})],
        ),
        (
            "Chiang Mai's Nimmanhaemin parking sensor pilot is still running.",
            [
                (
                    "project",
                    {"project": "project/cnx-nimman-parking-sensors", "city": "city/chiang-mai", "status": "ongoing"},
                )
            ],
        ),
        # a known project with a partner and words of its support in one clause is the partner's project; the
        # partner is not the owner of another name ("Japan's Ministry ..."), nor one thanked in another clause
        (
            "Under the U.S.-ASEAN Smart Cities Partnership, USTDA technical assistance is helping Ho Chi Minh City "
            "prepare a fully functioning Integrated Operation Centre.",
            [
                (
                    "project",
                    {"project": "project/sgn-ioc", "city": "city/ho-chi-minh-city", "partner": "partner/ustda"},
                )
            ],
        ),
        # a state written as the adjective of the help says where it comes from, not who gives it
        ("HCMC's Integrated Operation Centre moves ahead with U.S. technical assistance", []),
        (
            "Bangkok is a member. Japan's Ministry of Land, Infrastructure, Transport and Tourism (MLIT) and the Urban "
            "Renaissance Agency signed a memorandum of cooperation with Thailand's Ministry of Transport in December "
            "2020 for the Bang Sue Smart City around the station.",
            [("project", {"project": "project/bkk-bang-sue-smart-city", "partner": "partner/japan_mlit"})],
        ),
        (
            "Luang Prabang is a member. The Meeting thanked Japan for its continued support, and noted the Luang "
            "Prabang Smart and Integrated Urban Strategy.",
            [],
        ),
        # a dateline says where and when a story was filed: its place is no subject, its date the event's only
        # when the sentence writes none
        (
            "Jakarta (Nusantara Wire) - The ministry said that Denpasar and Semarang had been admitted to the ASEAN "
            "Smart Cities Network in 2025.",
            [("joining", {"city": f"city/{c}", "year": "2025"}) for c in ("denpasar", "semarang")],
        ),
        (
            "KUALA LUMPUR, 10 September 2025 - The 8th ASCN Annual Meeting was held in Kuala Lumpur on 9 September "
            "2025.",
            [("milestone", KL_MEETING)],
        ),
        # capitals on both sides of a dash are a heading, not a dateline: its project is no place
        (
            "Chonburi keeps a sheet of its projects.\nHYDROGEN ENERGY - PLANNING STAGE\nFuel costs are the hurdle.",
            [("project", {"project": "project/cbi-hydrogen", "status": "planning"})],
        ),
        # a meeting's place, date and chair on lines of their own after the sentence naming it; not a later date
        (
            "We invite your city to the 8th ASCN Annual Meeting.\n\nVenue: Kuala Lumpur, Malaysia\nOpening session: "
            "Tuesday, 9 September 2025\nChair: Malaysia\nKindly confirm by 15 August 2025.",
            [("milestone", {**KL_MEETING, "chair": "country/my"})],
        ),
        # a chronology of meetings under a heading: each item is a meeting of its year, its place the host
        (
            "## Annual meetings\n\n- 2019: Bangkok, Thailand (the second meeting, 22-23 August)\n- 2022: online, "
            "chaired by Cambodia\n- 2023: Bali, Indonesia (12-13 July)\n\n## See also",
            [
                ("milestone", {"date": "2019-08-22", "host": "city/bangkok"}),
                ("milestone", {"date": "2022", "chair": "country/kh"}),
                ("milestone", {"date": "2023-07-12", "host": "Bali"}),
            ],
        ),
        # a heading dated on the line after it and the sentence telling of the same meeting are one milestone
        (
            "Chair's Statement of the 8th ASCN Annual Meeting\n\nKuala Lumpur, Malaysia, 9 September 2025\n\nThe 8th "
            "ASCN Annual Meeting was held in Kuala Lumpur on 9 September 2025.",
            [("milestone", KL_MEETING)],
        ),
        # a host set off by a comma, never a month; a meeting dated by a year alone
        (
            "Thailand hosted the second annual meeting, in Bangkok in August 2019.",
            [("milestone", {"date": "2019-08", "host": "city/bangkok"})],
        ),
        ("A workshop in September 2025 drew planners.", [("milestone", {"date": "2025-09"})]),
        ("At the 2023 meeting in Bali, delegates met.", [("milestone", {"date": "2023", "host": "Bali"})]),
        # a network that "took in" cities admitted them
        (
            "At the 2023 meeting in Bali, the network took in Chiang Mai and Rayong.",
            [
                *[("joining", {"city": f"city/{c}", "year": "2023"}) for c in ("chiang-mai", "rayong")],
                ("milestone", {"date": "2023", "host": "Bali"}),
            ],
        ),
        # a meeting week is dated by the day it opened, or by its first day
        (
            "The 8th ASCN Annual Meeting was held in Kuala Lumpur from 8 to 12 September 2025 and was opened by the "
            "Minister on 9 September 2025.",
            [("milestone", KL_MEETING)],
        ),
        (
            "The 8th ASCN Annual Meeting was held in Kuala Lumpur from 9 to 12 September 2025.",
            [("milestone", KL_MEETING)],
        ),
        # "the Meeting" said again is the statement's own meeting: a date in that sentence is another event's
        (
            "The Meeting thanked Japan and noted the completion of the Luang Prabang Smart and Integrated Urban "
            "Strategy in December 2023.",
            [],
        ),
        # each clause's fact is its own city's, whichever clause comes first
        (
            "Kota Kinabalu joined the network in 2019, and Da Nang was paired with the City of Yokohama.",
            [joined("kota-kinabalu", "2019"), paired("da-nang", "yokohama")],
        ),
        (
            "Da Nang was paired with the City of Yokohama, and Kota Kinabalu joined the network in 2019.",
            [joined("kota-kinabalu", "2019"), paired("da-nang", "yokohama")],
        ),
        (
            "Kota Kinabalu has been an ASCN city since 2018, while Johor Bahru's water operator was twinned with DC "
            "Water.",
            [joined("kota-kinabalu", "2018"), paired("johor-bahru", "dc_water")],
        ),
        (
            "Johor Bahru joined the network in 2018 whereas Kuching was paired with JTEC under Smart JAMP.",
            [joined("johor-bahru", "2018"), paired("kuching", "jtec", "programme/smart-jamp")],
        ),
        # "and" without a comma starts a clause when the words before it state a fact of their own
        (
            "Kuching joined the ASCN in 2018 and Da Nang was twinned with the City of Yokohama.",
            [joined("kuching", "2018"), paired("da-nang", "yokohama")],
        ),
        (
            "Kuching and Kota Kinabalu joined the ASEAN Smart Cities Network in 2018.",
            [joined("kuching", "2018"), joined("kota-kinabalu", "2018")],
        ),
        # a list is true of every city in it, and a clause of names alone shares the next clause's words
        (
            "Chiang Mai, Khon Kaen and Rayong joined the ASEAN Smart Cities Network in 2023.",
            [joined("chiang-mai", "2023"), joined("khon-kaen", "2023"), joined("rayong", "2023")],
        ),
        (
            "Bangkok, Chonburi and Phuket have been members of the ASEAN Smart Cities Network since 2018; Chiang Mai, "
            "Khon Kaen and Rayong followed in 2023.",
            [
                *(joined(c, "2018") for c in ("bangkok", "chonburi", "phuket")),
                *(joined(c, "2023") for c in ("chiang-mai", "khon-kaen", "rayong")),
            ],
        ),
        ("Khon Kaen was not yet an ASCN member then; it joined the network in 2023.", [joined("khon-kaen", "2023")]),
        # a clause after the joining's has its own year, and "before" it joined is another event's year
        (
            "Khon Kaen was chosen for Korea's K-City Network in 2020, before it joined the network.",
            [joined("khon-kaen"), paired("khon-kaen", "korea", "programme/k-city-network")],
        ),
        (
            "Bangkok, Chonburi and Phuket were among the ASEAN Smart Cities Network's 26 pilot cities named in 2018.",
            [
                *(joined(c, "2018") for c in ("bangkok", "chonburi", "phuket")),
                ("count", {"counted": "cities", "value": "26", "as_of": "2018"}),
            ],
        ),
        (
            "The ASEAN Smart Cities Network met in Bali. Chiang Mai, Khon Kaen and Rayong were admitted in July 2023, "
            "raising the total to 29 cities.",
            [
                *(joined(c, "2023") for c in ("chiang-mai", "khon-kaen", "rayong")),
                ("count", {"counted": "cities", "value": "29", "as_of": "2023-07"}),
            ],
        ),
        # "the city's" in a pairing clause is the city the sentence named before it
        (
            "Ho Chi Minh City is building an operation centre, and the city's water utility is twinned with the San "
            "Francisco Public Utilities Commission.",
            [paired("ho-chi-minh-city", "sfpuc")],
        ),
        # a relative clause is said of the names it follows: the last alone when it speaks of one
        (
            "The Philippines has four ASCN cities: Manila, Cebu City, Davao City and Cauayan City, which became a "
            "member of the network in 2025.",
            [joined("cauayan-city", "2025")],
        ),
        (
            "Ipoh, Putrajaya and Seberang Perai, which were admitted to the network in 2025, attended the meeting.",
            [joined("ipoh", "2025"), joined("putrajaya", "2025"), joined("seberang-perai", "2025")],
        ),
        (
            "Johor Bahru joined the ASCN in 2018, and Kuching, which was twinned with DC Water, followed.",
            [joined("johor-bahru", "2018"), paired("kuching", "dc_water")],
        ),
        # denied, planned and future facts are not stated
        (
            "Mandalay did not join the network in 2023, and Yangon has not taken part in the network's meetings since 2021.",
            [],
        ),
        ("Manila is not part of WiSE, and Davao City has not been paired with a U.S. utility.", []),
        ("Seberang Perai plans to pair with China's Ministry of Housing and Urban-Rural Development.", []),
        ("Jakarta hopes to be twinned with DC Water in a future round.", []),
        ('"Rayong will also work with the City of Yokohama," an official said.', []),
        # a meeting to come is a plan, not a meeting held
        ("The 9th ASCN Annual Meeting will be held in Manila on 20 October 2026.", []),
        ("The Philippines will host the 9th ASEAN Smart Cities Network Annual Meeting on 20 October 2026.", []),
        ("The 8th ASCN Annual Meeting is scheduled for 9 September 2025 in Kuala Lumpur.", []),
        (
            "The 8th ASCN Annual Meeting was held in Kuala Lumpur on 9 September 2025, and the 9th will be held in "
            "Manila on 20 October 2026.",
            [("milestone", KL_MEETING)],
        ),
        # quoted speech: a quotation's end and start, and "adding that", end a clause
        (
            '"Putrajaya joined the ASCN in 2025," the minister told reporters, "and Johor Bahru has worked with DC '
            'Water for years."',
            [joined("putrajaya", "2025"), paired("johor-bahru", "dc_water")],
        ),
        (
            '"We joined because our neighbours did," Sumedang\'s regent said of the 2024 decision, adding that '
            "Semarang had been admitted to the network a year later.",
            [joined("semarang")],
        ),
        # a pairing clause naming no city whose subject is "its ..." is the city named before it
        (
            "Da Nang has been an ASCN pilot city since 2018, and its technical cooperation with the City of Yokohama "
            "was renewed by a memorandum signed in 2023.",
            [joined("da-nang", "2018"), paired("da-nang", "yokohama")],
        ),
        (
            "Luang Prabang has been a member of the ASEAN Smart Cities Network since 2018, and its partnership with "
            "the Asian Development Bank was extended under the ASEAN-Australia Smart Cities Trust Fund.",
            [joined("luang-prabang", "2018"), paired("luang-prabang", "adb", "programme/aasctf")],
        ),
        # a clause that names its own city is that city's, "its" or not
        (
            "Da Nang has been an ASCN pilot city since 2018, and Ha Noi and its water company work with DC Water.",
            [joined("da-nang", "2018"), paired("hanoi", "dc_water")],
        ),
        # a joining "at the same time", "in the same year", "that year" takes the year the text just gave
        (
            "Siem Reap and Phnom Penh have been ASCN pilot cities since 2018; Battambang, the third Cambodian member, "
            "joined at the same time.",
            [joined("siem-reap", "2018"), joined("phnom-penh", "2018"), joined("battambang", "2018")],
        ),
        (
            "Ipoh was admitted to the ASEAN Smart Cities Network in 2025, and Cauayan City in the Philippines was "
            "accepted into the network in the same year.",
            [joined("ipoh", "2025"), joined("cauayan-city", "2025")],
        ),
        (
            "In 2024 the network reached 31 member cities. Sumedang and Sihanoukville City had joined it that year.",
            [
                ("count", {"counted": "cities", "value": "31", "as_of": "2024"}),
                joined("sumedang", "2024"),
                joined("sihanoukville", "2024"),
            ],
        ),
        # the sentence before is the paragraph before's last
        (
            "Luang Prabang has been a member of the ASEAN Smart Cities Network since 2018.\n\nVientiane joined the "
            "network at the same time.",
            [joined("luang-prabang", "2018"), joined("vientiane", "2018")],
        ),
        # the same time as nothing the text dates is no year
        ("Sumedang joined the ASEAN Smart Cities Network at the same time as its neighbours.", [joined("sumedang")]),
        # a negation further from the fact's word, or of a year beside the right one
        # a negation set off by commas, or four words before the fact's word, denies it
        ("Putrajaya has not, for its part, been twinned with DC Water.", []),
        ("Manila has not to this day been selected by the Asian Development Bank for support.", []),
        ("Kuching has not, so far as anyone knows, been paired with DC Water.", []),
        # a year denied beside the right one is not the joining's
        (
            "Johor Bahru joined the network not in 2019, as is sometimes reported, but in 2018.",
            [joined("johor-bahru", "2018")],
        ),
        (
            "Cauayan City joined the ASEAN Smart Cities Network not in 2024 but in 2025.",
            [joined("cauayan-city", "2025")],
        ),
        # the right year in the clause after the denied one's, with words of its own
        (
            "Johor Bahru joined the network not in 2019, as is sometimes reported, but in 2018, as one of its pilot "
            "cities.",
            [joined("johor-bahru", "2018")],
        ),
        # "not until" denies nothing
        ("It was not until 2023 that Rayong joined the ASEAN Smart Cities Network.", [joined("rayong", "2023")]),
        # a partner in another clause does not stop a joining said without the network's word
        (
            "Cebu City is one of the ASEAN Smart Cities Network's cities. Cebu City has been a member since 2018, and "
            "its water district is twinned with Miami-Dade Water and Sewer.",
            [joined("cebu-city", "2018"), paired("cebu-city", "miami_dade_wasd")],
        ),
        # a partner in the joining word's own clause is what the city joined
        (
            "Cebu City is one of the ASEAN Smart Cities Network's cities. Davao City joined the Asian Development "
            "Bank's programme in 2019.",
            [],
        ),
        # a chair written as what the meeting was held with
        (
            "The 8th ASCN Annual Meeting opened in Kuala Lumpur on 9 September 2025 with Malaysia in the chair.",
            [("milestone", {**KL_MEETING, "chair": "country/my"})],
        ),
        # a host's words end at the date or the chair after them
        (
            "The 6th ASCN Annual Meeting was held in Bali on 12 July 2023 with Indonesia in the chair.",
            [
                (
                    "milestone",
                    {"date": "2023-07-12", "event": "6th ASCN Annual Meeting", "chair": "country/id", "host": "Bali"},
                )
            ],
        ),
        # a text without a date counts "this year" from the date it gives itself: its dateline, or "today, ..."
        (
            "KUALA LUMPUR, 9 September 2025 — Ipoh and Putrajaya joined the ASEAN Smart Cities Network this year.",
            [joined("ipoh", "2025"), joined("putrajaya", "2025")],
        ),
        # ... and a host is where a speaker welcomes the meeting's guests
        (
            "Welcome to Kuala Lumpur for the 8th ASCN Annual Meeting, which opens today, 9 September 2025, with "
            "Malaysia in the chair. Ipoh was admitted this year.",
            [("milestone", {**KL_MEETING, "chair": "country/my"}), joined("ipoh", "2025")],
        ),
        # cities said to be among those the sentence before says joined in a year, naming none
        (
            "Several Malaysian cities joined the network in 2018 as pilot cities. Kota Kinabalu and Kuching were "
            "among them.",
            [joined("kota-kinabalu", "2018"), joined("kuching", "2018")],
        ),
        # "Its ..." opening a sentence right after one naming one city is that city's; after two cities, nobody's
        (
            "Cebu City was among the 26 pilot cities named in 2018. Its water district is twinned with Miami-Dade "
            "Water and Sewer.",
            [paired("cebu-city", "miami_dade_wasd")],
        ),
        (
            "Cebu City and Davao City were among the 26 pilot cities of the network. Its water district is twinned "
            "with Miami-Dade Water and Sewer.",
            [("count", {"counted": "cities", "value": "26"})],
        ),
        # cities "alongside" those a membership noun is said of share their joining
        (
            "Cebu City was one of the ASCN pilot cities named in 2018, alongside Davao City and Manila.",
            [joined("cebu-city", "2018"), joined("davao-city", "2018"), joined("manila", "2018")],
        ),
        # ... and after one naming several, the city that is its subject's
        (
            "Cebu City hosted officials from Davao City and Manila in August. Its water district is twinned with "
            "Miami-Dade Water and Sewer.",
            [paired("cebu-city", "miami_dade_wasd")],
        ),
        # the network's own membership noun, in a text that names the network only after it
        (
            "Cebu City was among the 26 pilot cities named in 2018. The ASEAN Smart Cities Network was proposed by "
            "Singapore.",
            [joined("cebu-city", "2018"), ("count", {"counted": "cities", "value": "26", "as_of": "2018"})],
        ),
        # a bare number set against a count, with its own year; the count before it is not of that year
        (
            "The network now counts 35 cities, against 31 in 2024.",
            [
                ("count", {"counted": "cities", "value": "35"}),
                ("count", {"counted": "cities", "value": "31", "as_of": "2024"}),
            ],
        ),
        (
            "The network now has 35 cities, against 26 at its start in 2018.",
            [
                ("count", {"counted": "cities", "value": "35"}),
                ("count", {"counted": "cities", "value": "26", "as_of": "2018"}),
            ],
        ),
        # a city that is only the seat of the ministry that reports is no subject
        (
            "Denpasar and Semarang joined the ASEAN Smart Cities Network in 2025, the home affairs ministry in Jakarta "
            "said.",
            [joined("denpasar", "2025"), joined("semarang", "2025")],
        ),
        # work "carried out with" a partner pairs the city with it
        (
            "Davao City's traffic survey was carried out with the Ministry of Land, Infrastructure, Transport and "
            "Tourism.",
            [paired("davao-city", "japan_mlit")],
        ),
        # a partner that "supported" a city "with" its help
        (
            "The Japan International Cooperation Agency has also supported Siem Reap with technical cooperation on "
            "its heritage area.",
            [paired("siem-reap", "jica")],
        ),
    ],
)
def test_a_sentence_proposes_exactly(gazetteer, text, expected):
    assert proposals(gazetteer, text) == expected


def test_this_year_is_the_documents_year_and_a_headline_does_not_repeat_a_dated_joining(gazetteer):
    text = (
        "Denpasar and Semarang join ASEAN smart cities network.\n\n"
        "Denpasar and Semarang have joined the ASEAN Smart Cities Network this year, the ministry said."
    )
    assert proposals(gazetteer, text, date="2025-12-01") == [
        ("joining", {"city": "city/denpasar", "year": "2025"}),
        ("joining", {"city": "city/semarang", "year": "2025"}),
    ]
    # without a date to count from, nothing is made up: the joinings stay undated, once each
    assert proposals(gazetteer, text) == [
        ("joining", {"city": "city/denpasar"}),
        ("joining", {"city": "city/semarang"}),
    ]
    assert proposals(gazetteer, "Ipoh joined the network last year.", date="2026-02") == [
        ("joining", {"city": "city/ipoh", "year": "2025"})
    ]
    # "this month" is the date's year, "last month" too but in January; a date without its month dates neither
    added = "Dili was added to the ASEAN Smart Cities Network {} month."
    assert proposals(gazetteer, added.format("this"), date="2026-01-20") == [joined("dili", "2026")]
    assert proposals(gazetteer, added.format("last"), date="2026-02-03") == [joined("dili", "2026")]
    assert proposals(gazetteer, added.format("last"), date="2026-01-05") == [joined("dili", "2025")]
    assert proposals(gazetteer, added.format("last"), date="2026") == [joined("dili")]


def test_a_joining_said_of_the_meeting_takes_the_meetings_year(gazetteer):
    admitted = "The meeting admitted Chiang Mai and Rayong as new members of the network."
    meeting = "The 6th ASCN Annual Meeting opened in Bali on 12 July 2023."
    assert proposals(gazetteer, f"{meeting}\n\n{admitted}") == [
        ("milestone", {"date": "2023-07-12", "event": "6th ASCN Annual Meeting", "host": "Bali"}),
        ("joining", {"city": "city/chiang-mai", "year": "2023"}),
        ("joining", {"city": "city/rayong", "year": "2023"}),
    ]
    # no meeting dated in the document, or two in different years: the year is not guessed
    assert proposals(gazetteer, admitted) == [
        ("joining", {"city": "city/chiang-mai"}),
        ("joining", {"city": "city/rayong"}),
    ]
    second = "A forum followed on 3 March 2024."
    assert [f for kind, f in proposals(gazetteer, f"{meeting} {second}\n\n{admitted}") if kind == "joining"] == [
        {"city": "city/chiang-mai"},
        {"city": "city/rayong"},
    ]


def test_a_joining_after_the_network_was_named_needs_no_network_word(gazetteer):
    admitted = "Ipoh, Putrajaya and Seberang Perai were admitted in 2025."
    assert proposals(gazetteer, f"Malaysia has seven cities in the ASCN. {admitted}") == [
        ("joining", {"city": "city/ipoh", "year": "2025"}),
        ("joining", {"city": "city/putrajaya", "year": "2025"}),
        ("joining", {"city": "city/seberang-perai", "year": "2025"}),
    ]
    # not in a text that never named the network, nor where a programme could be what the city joined
    assert proposals(gazetteer, admitted) == []
    assert (
        proposals(gazetteer, "Malaysia has seven cities in the ASCN. In 2021 Kuching was admitted to Smart JAMP.") == []
    )


def test_the_capital_and_the_newest_member_said_now(gazetteer):
    welcome = "Welcome, Dili! Timor-Leste's capital is the newest member of the ASCN."
    # 'the capital' is the city named before; 'is the newest member' is a joining in the year the text was written
    assert proposals(gazetteer, welcome, date="2026-01-21") == [("joining", {"city": "city/dili", "year": "2026"})]
    assert proposals(gazetteer, welcome) == [("joining", {"city": "city/dili"})]
    assert proposals(gazetteer, "Dili lies on the coast. The capital joined the network in January 2026.") == [
        ("joining", {"city": "city/dili", "year": "2026"})
    ]
    assert proposals(gazetteer, "Cauayan City in Isabela is the Philippines' newest ASCN city (2025).") == [
        ("joining", {"city": "city/cauayan-city", "year": "2025"})
    ]


def test_cities_said_again_together_or_as_it(gazetteer):
    visited = "I visited Hà Nội, Đà Nẵng and Ho Chi Minh City."
    belonged = "have belonged to the ASEAN Smart Cities Network since it was set up in 2018."
    assert proposals(gazetteer, f"{visited} All three {belonged}") == [
        ("joining", {"city": f"city/{c}", "year": "2018"}) for c in ("hanoi", "da-nang", "ho-chi-minh-city")
    ]
    # a number that is not the cities', or a sentence between: not them
    assert proposals(gazetteer, f"{visited} All four {belonged}") == []
    assert proposals(gazetteer, f"{visited} The trip was long. All three {belonged}") == []
    assert proposals(gazetteer, "Khon Kaen wasn't a member then, was it? No, it only joined the network in 2023.") == [
        ("joining", {"city": "city/khon-kaen", "year": "2023"})
    ]


def test_a_pairing_clause_whose_subject_is_it_takes_the_city_named_before(gazetteer):
    twinned = "Da Nang has been twinned with the City of Yokohama since 2013"
    assert proposals(gazetteer, f"{twinned}, and it was later selected for Japan's Smart JAMP programme.") == [
        ("pairing", {"city": "city/da-nang", "partner": "partner/yokohama"}),
        ("pairing", {"city": "city/da-nang", "partner": "partner/japan", "programme": "programme/smart-jamp"}),
    ]
    # no partner in the clause: nothing more is paired
    assert proposals(gazetteer, f"{twinned}, and it was later selected for Smart JAMP.") == [
        ("pairing", {"city": "city/da-nang", "partner": "partner/yokohama"})
    ]


def test_counts_in_a_table_of_the_networks_growth(gazetteer):
    table = "| As of | Cities | Note |\n|---|---|---|\n| July 2023 | 29 | three admitted |\n| 2024 | 31 | |"
    assert proposals(gazetteer, f"# ASEAN Smart Cities Network\n\n{table}") == [
        ("count", {"counted": "cities", "value": "29", "as_of": "2023-07"}),
        ("count", {"counted": "cities", "value": "31", "as_of": "2024"}),
    ]
    # not in a document that does not name the network, nor without a column of dates
    assert proposals(gazetteer, f"# Smart cities\n\n{table}") == []
    assert proposals(gazetteer, "ASCN members by state:\n\n| State | Cities |\n|---|---|\n| Malaysia | 7 |") == []


def test_membership_said_without_a_joining_word_is_a_joining_of_the_year_after_it(gazetteer):
    assert proposals(gazetteer, "Phnom Penh has been an ASCN pilot city since 2018.") == [
        ("joining", {"city": "city/phnom-penh", "year": "2018"})
    ]
    assert proposals(gazetteer, "Rayong, an ASCN city since 2023, runs a health database.") == [
        ("joining", {"city": "city/rayong", "year": "2023"})
    ]
    assert proposals(gazetteer, "Kuching, one of the network's original pilot cities of 2018, fights floods.") == [
        ("joining", {"city": "city/kuching", "year": "2018"})
    ]
    assert proposals(
        gazetteer,
        "DKI Jakarta and Makassar have taken part in the ASCN since its launch in 2018, Sumedang since 2024, and "
        "Denpasar since 2025.",
    ) == [
        ("joining", {"city": f"city/{c}", "year": y})
        for c, y in (("jakarta", "2018"), ("makassar", "2018"), ("sumedang", "2024"), ("denpasar", "2025"))
    ]
    # the noun says it of the cities before it only; without a year right after it, or with a clause between, none
    assert proposals(gazetteer, "Ha Noi, an ASCN pilot city since 2018, shared its data with Da Nang.") == [
        ("joining", {"city": "city/hanoi", "year": "2018"})
    ]
    assert proposals(gazetteer, "Siem Reap, one of the network's pilot cities, has leaned on Japan since 2021.") == []
    assert proposals(gazetteer, "ASCN member city Cebu City upgraded its traffic lights in 2021.") == []


def test_selected_or_chosen_for_a_programme_pairs_however_far_the_for(gazetteer):
    kcity = {"partner": "partner/korea_molit", "programme": "programme/k-city-network"}
    assert proposals(
        gazetteer,
        "In 2020, Korea's MOLIT selected Kota Kinabalu and Khon Kaen, among others, for the K-City Network programme.",
    ) == [("pairing", {"city": f"city/{c}", **kcity}) for c in ("kota-kinabalu", "khon-kaen")]
    assert proposals(
        gazetteer,
        "Vientiane was chosen by Korea's Ministry of Land, Infrastructure and Transport (MOLIT) in 2020 as one of "
        "three cities for its K-City Network programme.",
    ) == [("pairing", {"city": "city/vientiane", **kcity})]
    # chosen as something, not for a partner's programme: no pairing
    assert proposals(gazetteer, "Vientiane was chosen as the venue, and MOLIT sent experts.") == []


def test_a_joining_said_in_the_present_perfect_takes_the_documents_year(gazetteer):
    admitted = "Sihanoukville City has been admitted to the ASEAN Smart Cities Network."
    assert proposals(gazetteer, admitted, date="2024-06-24") == [
        ("joining", {"city": "city/sihanoukville", "year": "2024"})
    ]
    assert proposals(gazetteer, admitted) == [("joining", {"city": "city/sihanoukville"})]
    # a year the sentence writes is the joining's
    assert proposals(gazetteer, "Sumedang has joined the ASCN in 2024.", date="2026-01-01") == [
        ("joining", {"city": "city/sumedang", "year": "2024"})
    ]


def test_counts_without_the_word_network(gazetteer):
    # the pilot (founding) cities are the network's size when it began: dated by their sentence's year only
    assert proposals(
        gazetteer, "Vientiane, one of the network's 26 founding cities, met Korea.", date="2024-07-31"
    ) == [("count", {"counted": "cities", "value": "26"})]
    assert proposals(gazetteer, "The ASCN began in 2018 with 26 pilot cities.", date="2024-09-01") == [
        ("count", {"counted": "cities", "value": "26", "as_of": "2018"})
    ]
    # in a document about the network: cities across the region, projects reported, a total of the member cities
    about = "ASEAN Smart Cities Network\n\n"
    assert proposals(
        gazetteer, f"{about}Today there are 38 cities across ASEAN in the grouping.", date="2026-02-03"
    ) == [("count", {"counted": "cities", "value": "38", "as_of": "2026-02-03"})]
    assert proposals(
        gazetteer, f"{about}In September 2025, 134 projects were reported, of which 108 were ongoing and 8 planned."
    ) == [("count", {"counted": "projects", "value": "134", "as_of": "2025-09"})]
    assert proposals(gazetteer, f"{about}As at September 2025 the member cities numbered 35.") == [
        ("count", {"counted": "cities", "value": "35", "as_of": "2025-09"})
    ]
    # not in a document that does not name the network
    assert proposals(gazetteer, "Today there are 38 cities across ASEAN in the grouping.") == []


def test_a_chair_named_in_the_sentence_after_the_meeting(gazetteer):
    held = "The 8th ASCN Annual Meeting was held in Kuala Lumpur on 9 September 2025."
    assert proposals(gazetteer, f"{held} Malaysia was the chair. It handed the chairmanship to the Philippines.") == [
        ("milestone", {**KL_MEETING, "chair": "country/my"})
    ]
    # a chair's statement's numbered paragraphs; a person of the state, who chaired "the Meeting"
    assert proposals(
        gazetteer,
        f"1. {held}\n\n2. The Minister of Housing and Local Government of Malaysia, chaired the Meeting.",
    ) == [("milestone", {**KL_MEETING, "chair": "country/my"})]
    # a state named chair for a later year, or a sentence between: no chair
    assert proposals(gazetteer, f"{held} At the meeting the Philippines was named chair for 2026.") == [
        ("milestone", KL_MEETING)
    ]
    assert proposals(gazetteer, f"{held} Delegates toured the city. Malaysia was the chair.") == [
        ("milestone", KL_MEETING)
    ]
    # a chair as the subject of the meeting's own sentence
    assert proposals(
        gazetteer,
        "Indonesia held the ASCN chairmanship in 2023, when the sixth annual meeting convened in Bali on 12 July 2023.",
    ) == [("milestone", {"date": "2023-07-12", "host": "Bali", "chair": "country/id"})]


def test_a_day_without_a_year_takes_the_datelines_year(gazetteer):
    assert proposals(
        gazetteer,
        "VIENTIANE, 31 July 2024 (KPL) - The 7th ASEAN Smart Cities Network Annual Meeting opened in Luang Prabang "
        "on 30 July. Lao PDR chairs the network this year.",
    ) == [
        (
            "milestone",
            {
                "date": "2024-07-30",
                "event": "7th ASEAN Smart Cities Network Annual Meeting",
                "host": "city/luang-prabang",
                "chair": "country/la",
            },
        )
    ]


def test_minutes_own_meetings_are_not_the_networks(gazetteer):
    minutes = (
        "SEBERANG PERAI CITY COUNCIL\nMINUTES OF THE FULL BOARD MEETING NO. 7/2025\n\nDate: 24 July 2025\nVenue: "
        "Main Meeting Room\n\n1.1 The minutes of Meeting No. 6/2025 held on 26 June 2025 were confirmed.\n"
        "2.1 The network's 7th Annual Meeting was held in Luang Prabang on 30 July 2024.\n"
        "4.1 The special meeting was held on 10 July 2025."
    )
    assert proposals(gazetteer, minutes) == [
        ("milestone", {"date": "2024-07-30", "event": "7th Annual Meeting", "host": "city/luang-prabang"})
    ]
    # the same lines in a text that is no body's minutes are meetings, as before
    agenda = minutes.replace("MINUTES OF", "AGENDA FOR")
    assert [f["date"] for kind, f in proposals(gazetteer, agenda) if kind == "milestone"] == [
        "2025-07-24",
        "2024-07-30",
        "2025-07-10",
    ]


def test_the_seat_of_a_reporting_mission_is_no_subject(gazetteer):
    assert proposals(
        gazetteer,
        "The U.S. Embassy in Kuala Lumpur announced today that Johor Bahru's water operator has been twinned with "
        "DC Water under WiSE.",
    ) == [("pairing", {"city": "city/johor-bahru", "partner": "partner/dc_water", "programme": "programme/wise"})]
    assert proposals(
        gazetteer, "The Embassy of Japan in Vientiane said that Luang Prabang was selected for Smart JAMP by MLIT."
    ) == [
        (
            "pairing",
            {"city": "city/luang-prabang", "partner": "partner/japan_mlit", "programme": "programme/smart-jamp"},
        )
    ]


def test_a_source_named_after_the_network_makes_its_joinings_the_networks(gazetteer):
    """A feed entry or news brief never names the network when its feed's title (its publisher) does."""
    text = "Rayong became a member in 2023 together with Chiang Mai and Khon Kaen."
    assert proposals(gazetteer, text, publisher="ASEAN Smart Cities Network - Secretariat news") == [
        joined("rayong", "2023"),
        joined("chiang-mai", "2023"),
        joined("khon-kaen", "2023"),
    ]
    assert proposals(gazetteer, text, publisher="Mekong Cities Digest") == []


def test_projects_in_different_clauses_are_read_clause_by_clause(gazetteer):
    assert proposals(
        gazetteer,
        "Kuching and Kota Kinabalu report. The Kuching Smart City Master Plan (KSCMP) has been completed; Kota "
        "Kinabalu's Integrated Public Transport System is under way.",
    ) == [
        ("project", {"project": "project/kch-smart-city-master-plan", "status": "completed"}),
        ("project", {"project": "project/bki-public-transport", "city": "city/kota-kinabalu", "status": "ongoing"}),
    ]
    # a system now or already running, or in use, is ongoing
    assert proposals(
        gazetteer,
        "Kuching's Integrated Flood Management and Response System is now running. Rayong's Public Health "
        "Monitoring and Care System with a Health Database is in daily use.",
    ) == [
        ("project", {"project": "project/kch-flood-management", "city": "city/kuching", "status": "ongoing"}),
        ("project", {"project": "project/ryg-health-monitoring", "city": "city/rayong", "status": "ongoing"}),
    ]


def test_a_profiles_labelled_membership_line_is_its_citys_joining(gazetteer):
    profile = "# Chiang Mai\n\n**Country:** Thailand\n**ASCN member since:** 2023\n**Flagship:** a command centre"
    assert proposals(gazetteer, profile) == [("joining", {"city": "city/chiang-mai", "year": "2023"})]
    # a line of another label, or under a heading naming two cities: none
    assert proposals(gazetteer, profile.replace("ASCN member since", "Founded")) == []
    assert proposals(gazetteer, profile.replace("# Chiang Mai", "# Chiang Mai and Rayong")) == []


def test_chosen_as_a_partners_site_pairs(gazetteer):
    assert proposals(gazetteer, "Battambang was chosen by MLIT as the site of a smart city master planning study.") == [
        ("pairing", {"city": "city/battambang", "partner": "partner/japan_mlit"})
    ]


@pytest.mark.parametrize(
    "text,joined",
    [
        (
            "Sumedang and Sihanoukville City were added to the ASEAN Smart Cities Network in 2024, and Denpasar and "
            "Semarang in 2025.",
            [("sumedang", "2024"), ("sihanoukville", "2024"), ("denpasar", "2025"), ("semarang", "2025")],
        ),
        ("Chiang Mai was accepted into the ASCN in 2023.", [("chiang-mai", "2023")]),
        ("Ipoh came into the network in 2025.", [("ipoh", "2025")]),
        (
            "Sumedang and Sihanoukville City came in during 2024, the ASEAN Smart Cities Network said.",
            [("sumedang", "2024"), ("sihanoukville", "2024")],
        ),
    ],
)
def test_joinings_worded_as_additions(gazetteer, text, joined):
    assert proposals(gazetteer, text) == [("joining", {"city": f"city/{c}", "year": y}) for c, y in joined]


def test_a_number_in_the_membership_noun_beside_a_partner_named_with_another_verb(gazetteer):
    """The network's own words, after a sentence naming the network, though a partner is named in the sentence; in a
    document about the network its pilot cities are counted too."""
    said = (
        "The ASEAN Smart Cities Network grew. Da Nang, which has worked with the City of Yokohama since 2013, is one "
        "of the original 26 pilot cities of 2018."
    )
    assert proposals(gazetteer, said) == [
        ("joining", {"city": "city/da-nang", "year": "2018"}),
        ("pairing", {"city": "city/da-nang", "partner": "partner/yokohama"}),
        ("count", {"counted": "cities", "value": "26", "as_of": "2018"}),
    ]


def test_a_year_of_another_event_after_the_city_is_not_its_joining(gazetteer):
    dili = (
        "The Timor-Leste capital of Dili has become the 38th city of the ASEAN Smart Cities Network, three months "
        "after its country was admitted as ASEAN's 11th member in October 2025."
    )
    assert ("joining", {"city": "city/dili"}) in proposals(gazetteer, dili)
    assert ("joining", {"city": "city/dili", "year": "2026"}) in proposals(gazetteer, dili, date="2026-01-20")


def test_a_count_takes_the_date_written_after_it_in_its_clause(gazetteer):
    counts = [
        p
        for p in proposals(
            gazetteer,
            "By September 2025 the network had 35 member cities, up from 26 pilot cities in 2018, and the cities "
            "reported 134 projects that month.",
        )
        if p[0] == "count"
    ]
    assert counts == [
        ("count", {"counted": "cities", "value": "35", "as_of": "2025-09"}),
        ("count", {"counted": "cities", "value": "26", "as_of": "2018"}),
        ("count", {"counted": "projects", "value": "134", "as_of": "2025-09"}),
    ]


def test_counts_in_words_as_a_total_and_as_a_rank(gazetteer):
    assert proposals(
        gazetteer,
        "Twenty-nine cities were in the ASEAN Smart Cities Network in July 2023; the total stood at 31 in 2024.",
    ) == [
        ("count", {"counted": "cities", "value": "29", "as_of": "2023-07"}),
        ("count", {"counted": "cities", "value": "31", "as_of": "2024"}),
    ]
    assert ("count", {"counted": "cities", "value": "38", "as_of": "2026-01-20"}) in proposals(
        gazetteer, "Dili has become the 38th city of the ASEAN Smart Cities Network.", date="2026-01-20"
    )
    # a small number in words is no count of the network
    assert proposals(gazetteer, "MOLIT chose three cities of the ASCN for its K-City Network.") == []


def test_each_title_of_a_project_renamed_between_reports_links_it(gazetteer):
    """A label joining an action plan's title and a later report's with " / " linked only as the whole label."""
    assert proposals(
        gazetteer, "Kuala Lumpur will keep funding the Kuala Lumpur Urban Observatory, which is in operation."
    ) == [("project", {"project": "project/kul-urban-observatory", "city": "city/kuala-lumpur", "status": "ongoing"})]


def test_a_name_ending_in_project_is_the_project_not_the_programme_named_after_it(gazetteer):
    assert proposals(
        gazetteer,
        "In Dili, the Asian Development Bank funds the Dili West Water Supply Project, at the planning stage.",
    ) == [
        (
            "project",
            {
                "project": "project/dil-west-water-supply",
                "city": "city/dili",
                "partner": "partner/adb",
                "status": "planning",
            },
        )
    ]


def test_also_in_use_a_chair_in_the_pluperfect_and_a_host_before_the_meeting(gazetteer):
    assert proposals(gazetteer, "In Siem Reap, the Siem Reap Smart City Data Platform (SSDaP) is also in use.") == [
        ("project", {"project": "project/rep-ssdap", "city": "city/siem-reap", "status": "ongoing"})
    ]
    assert proposals(gazetteer, "Cambodia had chaired the 5th ASCN Annual Meeting, held online on 30 August 2022.") == [
        ("milestone", {"date": "2022-08-30", "event": "5th ASCN Annual Meeting", "chair": "country/kh"})
    ]
    assert proposals(gazetteer, "Participants recalled the Bali meeting of 12-13 July 2023 of the ASCN.") == [
        ("milestone", {"date": "2023-07-12", "host": "Bali"})
    ]
    # the network's own words before "meeting" are no host
    assert proposals(gazetteer, "The ASCN Annual Meeting opened on 9 September 2025.") == [
        ("milestone", {"date": "2025-09-09", "event": "ASCN Annual Meeting"})
    ]


def test_the_words_of_a_projects_name_are_no_status_of_it(gazetteer):
    """The study in "Master Planning Study for Smart City Development" read as a done study (planning) beside
    "completed": two statuses, so none."""
    assert proposals(
        gazetteer, "In Battambang, the Master Planning Study for Smart City Development has since been completed."
    ) == [
        ("project", {"project": "project/btb-smartjamp-masterplan", "city": "city/battambang", "status": "completed"})
    ]


def test_a_company_named_without_its_legal_form_is_the_known_partner(gazetteer):
    """ "the AMATA Corporation" (AMATA Corporation PCL) was a new partner of that name, and its pairing with it."""
    assert proposals(gazetteer, "Chonburi, an ASCN pilot city, works with the AMATA Corporation.") == [
        ("pairing", {"city": "city/chonburi", "partner": "partner/amata"})
    ]


def test_a_clause_that_follows_a_joining_takes_its_own_year(gazetteer):
    text = "Siem Reap joined the network in 2018 and Sihanoukville City followed this year."
    assert proposals(gazetteer, text, "2024-08-05") == [joined("siem-reap", "2018"), joined("sihanoukville", "2024")]
    assert proposals(gazetteer, text) == [joined("siem-reap", "2018"), joined("sihanoukville")]


def test_a_year_before_which_a_city_joined_is_not_its_joining(gazetteer):
    text = (
        "Dili became a member of the ASEAN Smart Cities Network in January 2026. The Asian Development Bank approved "
        "loans for the Dili West Water Supply Project in 2022, before the city joined the network."
    )
    found = proposals(gazetteer, text)
    assert joined("dili", "2026") in found and joined("dili", "2022") not in found


@pytest.mark.parametrize(
    "text,expected",
    [
        # a claim the next sentence denies, or another year the text gives the same city, is no fact
        (
            "Your report said that Sumedang joined the ASEAN Smart Cities Network in 2023. It did not. Sumedang was "
            "admitted to the network in 2024.",
            [joined("sumedang", "2024")],
        ),
        ("The profile said that Sumedang joined the ASEAN Smart Cities Network in 2023. It did not.", []),
        (
            "An article on 3 March said that Chiang Mai, Khon Kaen and Rayong were accepted into the ASEAN Smart "
            "Cities Network in 2021. They were accepted into the network in 2023.",
            [joined(c, "2023") for c in ("chiang-mai", "khon-kaen", "rayong")],
        ),
        # a reported claim nothing contradicts stands; "It didn't say ..." denies nothing
        (
            "The ministry said that Ipoh joined the ASEAN Smart Cities Network in 2025. It didn't say more.",
            [joined("ipoh", "2025")],
        ),
    ],
)
def test_a_reported_claim_the_text_denies_or_corrects_is_not_proposed(gazetteer, text, expected):
    assert proposals(gazetteer, text) == expected


def test_a_count_takes_no_year_from_another_counts_clause(gazetteer):
    text = "The network now counts 35 cities across the region, up from 26 pilot cities in 2018."
    assert proposals(gazetteer, text, "2025-10-02") == [
        ("count", {"counted": "cities", "value": "35", "as_of": "2025-10-02"}),
        ("count", {"counted": "cities", "value": "26", "as_of": "2018"}),
    ]
    assert proposals(gazetteer, text)[0] == ("count", {"counted": "cities", "value": "35"})


def test_a_denied_pairing_leaves_the_pairing_of_a_relative_clause_after_it(gazetteer):
    text = "Putrajaya has not, for its part, been twinned with DC Water, which works with Johor Bahru's water operator."
    assert proposals(gazetteer, text) == [paired("johor-bahru", "dc_water")]
    # without a relative clause, a second pairing word in the denied clause is denied too
    assert proposals(gazetteer, "Davao City has not been paired with DC Water or twinned with The Water Council.") == []


def test_a_host_written_as_the_subject_of_hosted(gazetteer):
    text = "Kuala Lumpur hosted the 8th ASCN Annual Meeting on 9 September 2025, chaired by Malaysia."
    assert proposals(gazetteer, text) == [("milestone", {**KL_MEETING, "chair": "country/my"})]
