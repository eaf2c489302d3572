"""Fixtures for the translation tests: a sealed Argos home and tiny real packages.

argostranslate.settings reads ARGOS_PACKAGES_DIR and the XDG folders when it is first
imported and creates folders there, so every test here runs with all four pointing into a
temporary folder (autouse, set before each test, so before any test can import argostranslate). The portal's own modules
read ARGOS_PACKAGES_DIR at each call, so a test can point it somewhere fresh.
"""
from __future__ import annotations

import pytest

from portal.language.tinymodel import build_tiny_argosmodel


@pytest.fixture(scope="session")
def argos_home(tmp_path_factory):
    return tmp_path_factory.mktemp("argos-home")


@pytest.fixture(autouse=True)
def sealed_argos_home(argos_home, monkeypatch):
    """Per test, so the rest of the test suite runs with its own environment untouched."""
    monkeypatch.setenv("XDG_DATA_HOME", str(argos_home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(argos_home / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(argos_home / "cache"))
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(argos_home / "packages"))
    return argos_home


@pytest.fixture
def packages_dir(tmp_path, monkeypatch):
    """An empty packages folder of this test's own, named by ARGOS_PACKAGES_DIR."""
    folder = tmp_path / "packages"
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(folder))
    return folder


@pytest.fixture(scope="session")
def model_files(tmp_path_factory):
    """Tiny real .argosmodel files, built once per session (about 0.3 s each)."""
    out = tmp_path_factory.mktemp("argosmodels")
    return {
        ("en", "es", "0.1"): build_tiny_argosmodel(out, "en", "es", "0.1"),
        ("en", "es", "0.2"): build_tiny_argosmodel(out, "en", "es", "0.2", seed=99),
        ("es", "en", "0.1"): build_tiny_argosmodel(out, "es", "en", "0.1", seed=7),
        ("en", "fr", "0.1"): build_tiny_argosmodel(out, "en", "fr", "0.1", seed=8),
    }


@pytest.fixture(scope="session")
def tiny_model(model_files):
    """The en->es package, version 0.1."""
    return model_files[("en", "es", "0.1")]
