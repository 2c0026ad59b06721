"""Read two wrk outputs (baseline, then the measured endpoint) and print the comparison table."""

import re
import sys
from pathlib import Path


def parse(path: str) -> dict:
    text = Path(path).read_text(encoding="utf-8")

    def latency(p: str) -> str:
        match = re.search(rf"^\s+{p}%\s+(\S+)", text, re.M)
        return match.group(1) if match else "?"

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return {
        "rps": rps,
        "p50": latency("50"),
        "p90": latency("90"),
        "p99": latency("99"),
        "non2xx": int(errors.group(1)) if errors else 0,
        "requests": int(re.search(r"(\d+) requests in", text).group(1)),
    }


def main() -> None:
    baseline, measured = parse(sys.argv[1]), parse(sys.argv[2])
    print("| endpoint | requests/s | p50 | p90 | p99 | requests | non-2xx (404 = no such visa) |")
    print("|---|---|---|---|---|---|---|")
    for name, row in (
        ("bare Django view (baseline)", baseline),
        ("API `POST /visa-inquiry`", measured),
    ):
        print(
            f"| {name} | {row['rps']:.0f} | {row['p50']} | {row['p90']} | {row['p99']} "
            f"| {row['requests']} | {row['non2xx']} |"
        )
    print(f"\nAPI / baseline throughput: {measured['rps'] / baseline['rps']:.0%}")


if __name__ == "__main__":
    main()
