"""The pages' vendored scripts: installed by the one table in package.json, and a page that says so when not."""

from __future__ import annotations

import pytest

from webapp import vendor


def test_every_vendored_file_is_installed():
    assert vendor.missing() == []
    assert (vendor.VENDOR / "yasgui" / "yasgui.min.js").is_file()


@pytest.fixture
def app_without_scripts(monkeypatch, tmp_path, bundled_graphs):
    from tests.conftest import store_copy
    from webapp import create_app
    from webapp.store import close_app

    monkeypatch.setattr(vendor, "VENDOR", tmp_path / "vendor")
    settings = store_copy(tmp_path / "data", bundled_graphs)
    application = create_app({"TESTING": True, "DATA_DIR": str(settings.data_dir), "AUTO_BUILD": False})
    yield application
    close_app(application)


def test_without_the_scripts_the_query_page_says_which_command_installs_them(app_without_scripts):
    response = app_without_scripts.test_client().get("/query")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "The pages' scripts are not installed (yasgui/yasgui.min.js, yasgui/yasgui.min.css" in page
    assert "<code>python -m webapp.vendor</code> (it needs npm)" in page
