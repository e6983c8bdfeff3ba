"""Write texts/test/05-report.pdf, the ingester's PDF test document, with fpdf2 (``python -m tests.ingest.make_pdf``).

The PDF carries its own title and author, which the ingester reads as the source's title and publisher.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fpdf import FPDF

PDF = Path(__file__).parent / "texts" / "test" / "05-report.pdf"
TITLE = "ASCN progress note"
AUTHOR = "ASEAN Urban Desk"
TEXT = (
    "By mid-2025 the network had 31 cities. Johor Bahru joined the ASEAN Smart Cities Network in 2018 as a pilot "
    "city. Ipoh became a new member of the network in 2022. The Kuching Smart Flood Monitoring System is ongoing "
    "with support from Huawei. Kota Bharu, which is outside the network, has no project listed."
)


def make(path: Path = PDF) -> Path:
    pdf = FPDF()
    pdf.set_title(TITLE)
    pdf.set_author(AUTHOR)
    pdf.set_creation_date(datetime(2025, 7, 1, tzinfo=UTC))
    pdf.add_page()
    pdf.set_font("Helvetica", size=16)
    pdf.cell(text=TITLE, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 6, TEXT)
    pdf.output(str(path))
    return path


if __name__ == "__main__":
    print(make())
