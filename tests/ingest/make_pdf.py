"""Write the ingester's PDF test documents with fpdf2 (``python -m tests.ingest.make_pdf``): texts/test/05-report.pdf
and the brochure texts/realistic-test2/08-brochure.pdf.

Each PDF carries its own title, author and creation date, which the ingester reads as the source's title, publisher
and date; its text is laid out by fpdf2, so the ingester reads lines broken where a real PDF's are.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fpdf import FPDF

TEXTS = Path(__file__).parent / "texts"
PDF = TEXTS / "test" / "05-report.pdf"
TITLE = "ASCN progress note"
AUTHOR = "ASEAN Urban Desk"
TEXT = (
    "By mid-2025 the network had 31 cities. Johor Bahru joined the ASEAN Smart Cities Network in 2018 as a pilot "
    "city. Ipoh became a new member of the network in 2022. The Kuching Smart Flood Monitoring System is ongoing "
    "with support from Huawei. Kota Bharu, which is outside the network, has no project listed."
)
BROCHURE = TEXTS / "realistic-test2" / "08-brochure.pdf"
BROCHURE_PARTS = (
    ("AMATA SMART CITY CHONBURI", "Energy for the next industrial age"),
    (
        "",
        "Chonburi has been a member of the ASEAN Smart Cities Network since 2018. In the AMATA industrial estate, "
        "AMATA Corporation PCL and the Thai government are building a smart city that can supply its own energy.",
    ),
    (
        "SMART MICROGRID - IN OPERATION",
        "SCADA came first (2020), followed by meter data management, smart meters and an advanced distribution "
        "management system, commissioned in the first quarter of 2024. Meters now report the load every 15 minutes.",
    ),
    (
        "HYDROGEN ENERGY - IN PLANNING",
        "A consortium is studying hydrogen fuel for factory forklifts. A demonstration is expected to run until 2028.",
    ),
    ("SOLAR ENERGY", "Rooftop and floating solar panels across the estate."),
    (
        "",
        "Targets for 2044: 30% renewables and storage, 30% less CO2. Neighbouring Rayong joined the network in 2023.",
    ),
)
"""(heading, paragraph) pairs: a brochure's headings carry no full stop, as real ones do not."""


def make(
    path: Path = PDF,
    title: str = TITLE,
    author: str = AUTHOR,
    created: datetime = datetime(2025, 7, 1, tzinfo=UTC),
    parts: tuple[tuple[str, str], ...] = ((TITLE, TEXT),),
) -> Path:
    pdf = FPDF()
    pdf.set_title(title)
    pdf.set_author(author)
    pdf.set_creation_date(created)
    pdf.add_page()
    for heading, paragraph in parts:
        if heading:
            pdf.set_font("Helvetica", style="B", size=13)
            pdf.cell(text=heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=11)
        pdf.multi_cell(0, 6, paragraph, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def make_brochure(path: Path = BROCHURE) -> Path:
    created = datetime(2024, 5, 2, tzinfo=UTC)
    return make(path, "AMATA Smart City Chonburi", "AMATA Corporation PCL", created, BROCHURE_PARTS)


if __name__ == "__main__":
    print(make(), make_brochure())
