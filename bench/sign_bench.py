"""Benchmark of electronic signing (PAdES): the time to sign a printed agreement with the
agency's certificate, on top of printing it.

Builds a throwaway SQLite database (as bench/documents.py does) with the realistic five-page
Thai MOU of that benchmark, and a throwaway certificate authority (tests/documents/ca.py)
whose agency certificate is configured as SIGNING_PKCS12_PATH. Each run prints the
agreement as a new final printing (``documents.publish``) and then signs it in the first
party's signature block (``signing.sign_document_version``: the key read from its PKCS#12
file, the visible signature drawn, the signature made, checked again with pyHanko's
validator, stored and audited). It prints the medians and saves them as JSON
(bench/results/signing.json unless ``--json`` says otherwise).

    .venv/bin/python -m bench.sign_bench [--runs 9]

Target (issue 23): signing under 0.3 s on top of printing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RESULTS = PROJECT_ROOT / "bench" / "results" / "signing.json"
TARGET_SIGN_S = 0.3


def measure(runs: int) -> dict:
    """Print and sign the benchmark agreement ``runs`` times; the timings in seconds."""
    from bench.documents import build_app, seed
    from registry.agreements import printing
    from registry.agreements.models import Agreement
    from registry.auth.models import User
    from registry.db import db
    from registry.documents import services, signing
    from tests.documents.ca import PASSPHRASE, TestAuthority

    with tempfile.TemporaryDirectory(prefix="sign-bench-") as temporary:
        folder = Path(temporary)
        app = build_app(folder)
        agreement_id, staff_id = seed(app)
        authority = TestAuthority(folder)
        agency = authority.issue("DGA electronic seal", "DGA", file_name="agency.p12")
        app.config.update(
            SIGNING_PKCS12_PATH=str(agency.pkcs12_path),
            SIGNING_PKCS12_PASSPHRASE=PASSPHRASE,
            SIGNING_TRUST_ROOTS=str(authority.root_pem),
            SIGNING_TSA_URL="",
        )
        printing_s, signing_s, sizes = [], [], []
        with app.test_request_context():
            agreement = db.session.get(Agreement, agreement_id)
            staff = db.session.get(User, staff_id)
            for run in range(runs + 1):  # the first run warms WeasyPrint and pyHanko up
                started = time.perf_counter()
                version = services.publish(
                    "bench_signing",
                    agreement_id,
                    variant="th",
                    content={"run": run},
                    render=lambda stamp: printing.render(agreement, "th", stamp),
                    actor=staff,
                    reference=agreement.reference,
                    final=True,
                )
                printed = time.perf_counter()
                copy = signing.sign_document_version(version, "signature-parties-1", staff)
                signed = time.perf_counter()
                if run:
                    printing_s.append(printed - started)
                    signing_s.append(signed - printed)
                    sizes.append(copy.size - version.size)
    return {
        "runs": runs,
        "printing_median_s": statistics.median(printing_s),
        "signing_median_s": statistics.median(signing_s),
        "signing_max_s": max(signing_s),
        "signature_bytes_median": statistics.median(sizes),
        "target_signing_s": TARGET_SIGN_S,
    }


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--json", type=Path, default=RESULTS)
    options = parser.parse_args()
    figures = measure(options.runs)
    print(f"printing (median of {options.runs}): {figures['printing_median_s'] * 1000:7.1f} ms")
    print(
        f"signing  (median of {options.runs}): {figures['signing_median_s'] * 1000:7.1f} ms"
        f"   (target < {TARGET_SIGN_S * 1000:.0f} ms; max {figures['signing_max_s'] * 1000:.1f})"
    )
    print(f"signature adds (median): {figures['signature_bytes_median']:.0f} bytes")
    options.json.parent.mkdir(parents=True, exist_ok=True)
    options.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
