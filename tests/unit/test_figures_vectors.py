"""The figures vectors (tests/vectors/figures-xinzhu.*): the committed files are what the
log makes today, and a checker written from FORMAT.md section 10 alone accepts them."""

from __future__ import annotations

import base64
import copy
import json

import pytest

from ledger.format.figures import FiguresNote, check_document, document_hash, verify_figures
from ledger.format.notes import split_note
from ledger.errors import FormatError, SignatureError
from tests.figures_vectors import DOCUMENT_FILE, LEAVES_FILE, VECTOR_DIR, vector_files
from tests.independent_figures import Disagrees, canonical, check_figures

VECTOR = json.loads((VECTOR_DIR / DOCUMENT_FILE).read_text(encoding="utf-8"))
LEAVES = (VECTOR_DIR / LEAVES_FILE).read_bytes().splitlines()


def test_the_committed_vectors_are_what_the_log_makes_today():
    made = vector_files()
    for name, data in made.items():
        assert (VECTOR_DIR / name).read_bytes() == data, f"{name}: run python -m tests.figures_vectors"


def test_the_vector_covers_every_class_a_policy_held_payments_a_reversal_and_two_currencies():
    rows = {tuple(row[:3]): row[3] for row in VECTOR["figures"]["balances"]}
    assert {"1002", "2001", "3001", "4001", "5001"} <= {account for account, _, _ in rows}
    assert rows[("5001", "activity", "CNY")] == 0  # paid, then reversed: the row stays
    assert rows[("1002", "general", "USD")] == 30_000
    types = [json.loads(leaf)["statement"]["type"] for leaf in LEAVES]
    assert {"policy.set", "entry.approved", "entry.rejected", "entry.reversed"} <= set(types)


def test_an_independent_checker_accepts_the_vector_document_and_note():
    answer = {"figures": VECTOR["figures"], "note": VECTOR["note"]}
    check_figures(answer, LEAVES, VECTOR["log_vkey"])
    assert canonical(VECTOR["figures"]).decode() == VECTOR["figures_cjson"]
    digest = base64.b64encode(document_hash(VECTOR["figures"])).decode()
    assert digest == VECTOR["figures_sha256_b64"]


def test_the_independent_checker_names_a_changed_balance():
    altered = copy.deepcopy(VECTOR["figures"])
    altered["balances"][1][3] += 1
    with pytest.raises(Disagrees, match=r"\('1002', 'general', 'CNY'\)"):
        check_figures({"figures": altered, "note": VECTOR["note"]}, LEAVES, VECTOR["log_vkey"])


def test_the_independent_checker_refuses_a_note_over_another_document():
    note = VECTOR["note"].replace(VECTOR["figures_sha256_b64"], base64.b64encode(b"\0" * 32).decode())
    with pytest.raises(Disagrees, match="does not verify"):
        check_figures({"figures": VECTOR["figures"], "note": note}, LEAVES, VECTOR["log_vkey"])


def test_the_format_reads_the_vector_note_and_refuses_what_is_not_figures():
    figures = verify_figures(VECTOR["note"], VECTOR["log_vkey"])
    assert (figures.size, figures.doc_hash) == (VECTOR["size"], document_hash(VECTOR["figures"]))
    check_document(VECTOR["figures"])
    text = split_note(VECTOR["note"])[0]
    with pytest.raises(FormatError, match="must begin with"):
        FiguresNote.parse(split_note(VECTOR["checkpoint"])[0])
    with pytest.raises(FormatError, match="exactly 5 lines"):
        FiguresNote.parse(text + "extra\n")
    with pytest.raises(FormatError, match="canonical base64"):
        FiguresNote.parse(text.replace(VECTOR["figures_sha256_b64"], "not base64!"))
    with pytest.raises(FormatError, match="leading zeros"):
        FiguresNote.parse(text.replace(f"\n{VECTOR['size']}\n", f"\n0{VECTOR['size']}\n"))
    with pytest.raises(SignatureError):
        verify_figures(VECTOR["checkpoint"].replace("\n27\n", "\n28\n"), VECTOR["log_vkey"])
    unsorted = copy.deepcopy(VECTOR["figures"])
    unsorted["balances"].reverse()
    with pytest.raises(FormatError, match="sorted"):
        check_document(unsorted)


def test_the_verifier_recomputes_the_vector_document_from_the_leaves():
    from ledger.verify.run import verify_entries

    report = verify_entries(LEAVES, checkpoint_note=VECTOR["checkpoint"],
                            figures=[(VECTOR["note"], VECTOR["figures"])])
    assert report.ok, report.findings
    assert report.figures == {VECTOR["size"]: VECTOR["figures"]}


def test_the_verifier_names_the_triple_a_published_document_changed():
    from ledger.verify.run import verify_entries

    altered = copy.deepcopy(VECTOR["figures"])
    altered["balances"][0][3] -= 5
    report = verify_entries(LEAVES, figures=[(VECTOR["note"], altered)])
    assert set(report.codes()) == {"figures-mismatch"}
    assert "(1002, activity, CNY) is 601000 by the entries but 600995" in str(report.findings[0])
