"""Read two wrk outputs (the baseline, then the API) and print the comparison table."""

import re
import sys
from pathlib import Path


def parse(path: str) -> dict:
    text = Path(path).read_text(encoding="utf-8")

    def number(pattern: str) -> float:
        match = re.search(pattern, text, re.M)
        if match is None:
            sys.exit(f"{path}: no {pattern!r} in wrk's output:\n{text}")
        return float(match.group(1))

    errors = re.search(r"Socket errors: (.*)$", text, re.M)
    statuses = re.search(r"^Statuses: (.*)$", text, re.M)
    return {
        "rps": number(r"^Requests/sec:\s+([\d.]+)"),
        "requests": int(number(r"(\d+) requests in")),
        "p50": number(r"^Pct 50 ([\d.]+)"),
        "p90": number(r"^Pct 90 ([\d.]+)"),
        "p99": number(r"^Pct 99 ([\d.]+)"),
        "p999": number(r"^Pct 99.9 ([\d.]+)"),
        "statuses": statuses.group(1) if statuses else "?",
        "errors": errors.group(1) if errors else "none",
    }


def main() -> None:
    baseline, api = parse(sys.argv[1]), parse(sys.argv[2])
    print()
    print("| endpoint | requests/s | p50 ms | p90 ms | p99 ms | p99.9 ms | requests | statuses |")
    print("|---|--:|--:|--:|--:|--:|--:|---|")
    for name, row in (
        ("bare Django view `/bench/baseline/`", baseline),
        ("API `POST /api/v1/visa-inquiry`", api),
    ):
        print(
            f"| {name} | {row['rps']:.0f} | {row['p50']:.1f} | {row['p90']:.1f} "
            f"| {row['p99']:.1f} | {row['p999']:.1f} | {row['requests']} | {row['statuses']} |"
        )
    print()
    print(
        f"API / baseline: throughput {api['rps'] / baseline['rps']:.2f}x, "
        f"p50 latency {api['p50'] / baseline['p50']:.2f}x, p99 {api['p99'] / baseline['p99']:.2f}x"
    )
    for name, row in (("baseline", baseline), ("api", api)):
        if row["errors"] != "none":
            print(f"{name}: socket errors: {row['errors']}")


if __name__ == "__main__":
    main()
