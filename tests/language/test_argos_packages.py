"""Installing, listing and removing real (tiny) Argos packages; the index; bad files."""
from __future__ import annotations

import functools
import http.server
import importlib
import json
import socket
import threading
import zipfile

import pytest

from portal.language import packages
from portal.language.packages import InvalidPackage, OfflineError, PackageNotFound


def test_install_list_remove(packages_dir, tiny_model):
    assert packages.list_installed() == []

    installed = packages.install_from_file(tiny_model)

    assert (installed.from_code, installed.to_code, installed.version) == ("en", "es", "0.1")
    assert installed.path == packages_dir / "translate-en_es-0_1"
    assert (installed.path / "model" / "model.bin").is_file()
    assert packages.list_installed() == [installed]

    removed = packages.remove("en", "es")

    assert removed == [installed.path]
    assert packages.list_installed() == []
    assert list(packages_dir.iterdir()) == []  # no hidden leftovers either


def test_newer_version_replaces_older(packages_dir, model_files):
    packages.install_from_file(model_files[("en", "es", "0.1")])
    packages.install_from_file(model_files[("en", "es", "0.2")])

    assert [(p.from_code, p.to_code, p.version) for p in packages.list_installed()] == [("en", "es", "0.2")]
    assert sorted(p.name for p in packages_dir.iterdir()) == ["translate-en_es-0_2"]


def test_packages_dir_argument_overrides_environment(tmp_path, packages_dir, tiny_model):
    elsewhere = tmp_path / "elsewhere"
    packages.install_from_file(tiny_model, elsewhere)
    assert packages.list_installed() == []
    assert [p.code for p in packages.list_installed(elsewhere)] == ["translate-en_es"]


def test_remove_unknown_pair_says_what_is_installed(packages_dir, tiny_model):
    packages.install_from_file(tiny_model)
    with pytest.raises(PackageNotFound, match=r"No package for en->fr .*installed: en->es"):
        packages.remove("en", "fr")


def test_broken_folder_is_skipped_when_listing(packages_dir, tiny_model):
    packages.install_from_file(tiny_model)
    (packages_dir / "half-copied").mkdir()
    assert [p.code for p in packages.list_installed()] == ["translate-en_es"]


def _zip(path, files: dict[str, bytes | str]):
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


GOOD_METADATA = json.dumps({"from_code": "en", "to_code": "es", "package_version": "1.0", "type": "translate"})


@pytest.mark.parametrize(
    "files, message",
    [
        (None, "not a zip archive"),
        ({"readme.txt": "hello"}, "expected one folder containing metadata.json"),
        ({"metadata.json": GOOD_METADATA, "model/model.bin": b"x", "sentencepiece.model": b"x"},
         "metadata.json is at the top of the zip"),
        ({"p/metadata.json": "{not json", "p/model/model.bin": b"x", "p/sentencepiece.model": b"x"},
         "metadata.json is not valid JSON"),
        ({"p/metadata.json": json.dumps({"type": "sbd", "from_code": "en", "to_code": "es"}),
          "p/model/model.bin": b"x", "p/sentencepiece.model": b"x"}, "only 'translate' packages"),
        ({"p/metadata.json": json.dumps({"to_code": "es"}), "p/model/model.bin": b"x", "p/sentencepiece.model": b"x"},
         "needs a language code in 'from_code'"),
        ({"p/metadata.json": GOOD_METADATA, "p/sentencepiece.model": b"x"}, "no model/ folder"),
        ({"p/metadata.json": GOOD_METADATA, "p/model/model.bin": b"x"}, "no sentencepiece.model"),
        ({"p/metadata.json": GOOD_METADATA, "p/model/model.bin": b"x", "p/sentencepiece.model": b"x",
          "p/../../evil.sh": b"x"}, "unsafe path"),
    ],
)
def test_invalid_file_is_refused_with_a_clear_message(tmp_path, packages_dir, files, message):
    bad = tmp_path / "bad.argosmodel"
    if files is None:
        bad.write_text("this is not a zip")
    else:
        _zip(bad, files)

    with pytest.raises(InvalidPackage, match=message) as raised:
        packages.install_from_file(bad)

    assert "bad.argosmodel" in str(raised.value)  # the operator sees which file
    assert not packages_dir.exists() or list(packages_dir.iterdir()) == []


def test_missing_file(packages_dir, tmp_path):
    with pytest.raises(InvalidPackage, match="no such file"):
        packages.install_from_file(tmp_path / "nope.argosmodel")


# --- compatibility with argostranslate's own reader ------------------------------------------

def test_argostranslate_reads_what_the_portal_installs(packages_dir, tiny_model):
    argos_package = pytest.importorskip("argostranslate.package")
    packages.install_from_file(tiny_model)

    found = argos_package.get_installed_packages(path=[packages_dir])

    assert [(p.from_code, p.to_code, p.package_version) for p in found] == [("en", "es", "0.1")]


def test_argostranslate_install_from_path_in_the_lean_install(packages_dir, tiny_model, sealed_argos_home):
    """Why packages.py unpacks by itself: in the lean install Argos extracts, then fails on stanza.

    This test pins that behaviour; if a future argostranslate stops importing
    argostranslate.translate there, it passes through the first branch.
    """
    argos_package = pytest.importorskip("argostranslate.package")
    importlib.reload(argos_package.settings)  # pick up this test's ARGOS_PACKAGES_DIR
    try:
        argos_package.install_from_path(tiny_model)
    except ModuleNotFoundError as error:
        assert "stanza" in str(error) or "spacy" in str(error) or "minisbd" in str(error)
    assert [p.version for p in packages.list_installed()] == ["0.1"]  # extracted either way
    assert str(argos_package.settings.data_dir).startswith(str(sealed_argos_home))


# --- the package index -----------------------------------------------------------------------

def tiny_index(base_url: str) -> list[dict]:
    return [
        {"from_code": "en", "to_code": "es", "package_version": "0.1", "from_name": "English",
         "to_name": "Spanish", "links": [f"{base_url}/old.argosmodel"]},
        {"from_code": "en", "to_code": "es", "package_version": "0.2", "from_name": "English",
         "to_name": "Spanish", "links": ["ipfs://skipped", f"{base_url}/translate-en_es-0_2.argosmodel"]},
        {"type": "sbd", "from_code": "en", "package_version": "1.0", "links": []},
        {"from_code": "es", "to_code": "en", "package_version": "1.0", "links": [f"{base_url}/missing.argosmodel"]},
    ]


def test_available_from_index_reads_translation_entries():
    available = packages.available_from_index(json.dumps(tiny_index("http://x")))
    assert [(p.from_code, p.to_code, p.version) for p in available] == [("en", "es", "0.1"), ("en", "es", "0.2"),
                                                                        ("es", "en", "1.0")]
    assert available[0].code == "translate-en_es"


def test_available_from_index_rejects_garbage():
    with pytest.raises(packages.PackageError, match="not valid JSON"):
        packages.available_from_index("<html>")


@pytest.fixture
def index_server(tmp_path, model_files):
    """A local HTTP server standing in for the Argos index and its download links."""
    served = tmp_path / "served"
    served.mkdir()
    served.joinpath("translate-en_es-0_2.argosmodel").write_bytes(model_files[("en", "es", "0.2")].read_bytes())
    handler = functools.partial(QuietHandler, directory=str(served))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    base_url = f"http://127.0.0.1:{server.server_address[1]}"
    served.joinpath("index.json").write_text(json.dumps(tiny_index(base_url)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base_url
    server.shutdown()
    server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_install_from_index_downloads_the_newest_version(packages_dir, index_server):
    installed = packages.install_from_index("en-es", f"{index_server}/index.json")

    assert (installed.from_code, installed.to_code, installed.version) == ("en", "es", "0.2")
    assert [p.version for p in packages.list_installed()] == ["0.2"]
    assert [p.name for p in packages_dir.iterdir()] == ["translate-en_es-0_2"]  # download removed


def test_install_from_index_unknown_pair(packages_dir, index_server):
    with pytest.raises(PackageNotFound, match="no en->vi package"):
        packages.install_from_index(("en", "vi"), f"{index_server}/index.json")


def test_install_from_index_broken_link_is_not_offline(packages_dir, index_server):
    with pytest.raises(packages.PackageError, match="HTTP 404"):
        packages.install_from_index("translate-es_en", f"{index_server}/index.json")


def test_install_from_index_offline_says_so(packages_dir):
    with socket.socket() as probe:  # a port nobody listens on: connection refused, like offline
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(OfflineError, match="offline.*install it from the file"):
        packages.install_from_index(("en", "es"), f"http://127.0.0.1:{port}/index.json", timeout=5)


def test_index_from_a_local_file(tmp_path):
    index = tmp_path / "index.json"
    index.write_text(json.dumps(tiny_index("http://x")))
    assert len(packages.fetch_index(index)) == 3
