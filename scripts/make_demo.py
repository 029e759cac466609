"""Generate servqual's bundled demo survey: ``src/servqual/data/demo_skm.csv``.

A synthetic SKM 2017 survey (Permen PANRB 14/2017) of the civil-registration office
(Dinas Kependudukan dan Pencatatan Sipil) of the fictional Kabupaten Sukamaju, first
semester of 2026: 400 respondents drawn at random from the people served, stratified by
service (KTP-el, Kartu Keluarga, Akta Kelahiran) with proportional allocation.

Columns
-------
respondent_id, service, gender, age_band, education, occupation
    The respondent attributes the SKM questionnaire collects.
U1 … U9
    Answers to the nine SKM elements on 1–4; blank = not answered (U8, complaint
    handling, is left blank most often: many respondents never filed a complaint).
imp_U1 … imp_U9
    How important each element is to the respondent, 1–4 (for importance–performance
    analysis).
population
    Number of people served by the respondent's service in the period (the stratum
    size, for the finite-population correction).

The story built in: completion time (U3) is the weakest element everywhere and worst for
KTP-el (blank cards ran short), the fee (U4) is best (the documents are free), and the
three services grade differently (KTP-el C, Kartu Keluarga B, Akta Kelahiran A).

Determinism
-----------
Only the PCG64 bit stream is used (``random_raw``, stable across numpy versions and
platforms), turned into uniforms with exact integer/float operations; every other step
is IEEE arithmetic (+, −, ×, comparisons, floor), so the file is the same byte for byte
on every run and machine. ``tests/test_demo_data.py`` checks this.

Usage: ``python scripts/make_demo.py`` (writes the file) or ``--check`` (exit 1 if the
shipped file differs).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import numpy.typing as npt

SEED = 20260101
OUT = Path(__file__).resolve().parents[1] / "src" / "servqual" / "data" / "demo_skm.csv"

# service: (people served in the period, respondents, base latent score)
SERVICES: dict[str, tuple[int, int, float]] = {
    "KTP-el": (4210, 195, 3.02),
    "Kartu Keluarga": (2850, 132, 3.28),
    "Akta Kelahiran": (1560, 73, 3.62),
}
ELEMENTS = ("U1", "U2", "U3", "U4", "U5", "U6", "U7", "U8", "U9")
# element offsets on the latent 1–4 scale, shared by all services
OFFSET = np.array([0.05, 0.00, -0.50, 0.45, 0.05, 0.10, 0.15, -0.22, -0.12])
# extra offsets per service (KTP-el: blank cards ran short, crowded waiting room)
EXTRA: dict[str, npt.NDArray[np.float64]] = {
    "KTP-el": np.array([0.0, 0.0, -0.30, 0.0, 0.0, 0.0, 0.0, 0.0, -0.12]),
    "Kartu Keluarga": np.zeros(9),
    "Akta Kelahiran": np.array([0.0, 0.0, 0.10, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]),
}
MISSING_RATE = np.array([0.01, 0.005, 0.01, 0.01, 0.01, 0.005, 0.005, 0.07, 0.01])
IMP_BASE = 3.25
IMP_OFFSET = np.array([0.10, 0.05, 0.40, -0.10, -0.05, 0.20, 0.10, -0.05, -0.35])
IMP_MISSING_RATE = 0.01

GENDER = ("Laki-laki", "Perempuan")
P_FEMALE = {"KTP-el": 0.50, "Kartu Keluarga": 0.47, "Akta Kelahiran": 0.63}
AGE = ("17-25", "26-35", "36-45", "46-55", "56+")
P_AGE = {
    "KTP-el": (0.38, 0.22, 0.17, 0.13, 0.10),
    "Kartu Keluarga": (0.10, 0.35, 0.28, 0.17, 0.10),
    "Akta Kelahiran": (0.18, 0.52, 0.22, 0.06, 0.02),
}
EDUCATION = ("SD", "SMP", "SMA/SMK", "D1-D4", "S1", "S2/S3")
P_EDUCATION = (0.12, 0.17, 0.42, 0.09, 0.17, 0.03)
OCCUPATION = ("PNS", "TNI/Polri", "Swasta", "Wirausaha", "Pelajar/Mahasiswa", "Lainnya")
P_OCCUPATION = {  # by age band
    "17-25": (0.01, 0.01, 0.20, 0.08, 0.50, 0.20),
    "26-35": (0.08, 0.03, 0.37, 0.22, 0.05, 0.25),
    "36-45": (0.11, 0.03, 0.30, 0.28, 0.00, 0.28),
    "46-55": (0.12, 0.03, 0.22, 0.30, 0.00, 0.33),
    "56+": (0.06, 0.01, 0.08, 0.25, 0.00, 0.60),
}


class Uniforms:
    """Uniform doubles in [0, 1) from the raw PCG64 stream (53 bits each)."""

    def __init__(self, seed: int) -> None:
        self._bits = np.random.PCG64(seed)

    def draw(self, *shape: int) -> npt.NDArray[np.float64]:
        size = int(np.prod(shape))
        raw = np.asarray(self._bits.random_raw(size), dtype=np.uint64) >> np.uint64(11)
        return (raw.astype(np.float64) * 2.0**-53).reshape(shape)


def categorical(u: npt.NDArray[np.float64], probs: tuple[float, ...]) -> npt.NDArray[np.intp]:
    """Category index of each uniform by inverse CDF (exact cumulative sums)."""
    cdf = np.cumsum(np.asarray(probs, dtype=np.float64))
    return np.minimum(np.searchsorted(cdf / cdf[-1], u, side="right"), len(probs) - 1)


def answers(
    rng: Uniforms, latent_mean: npt.NDArray[np.float64], mood_scale: float, noise_scale: float
) -> npt.NDArray[np.int64]:
    """1–4 answers: latent = mean + respondent mood + item noise, rounded and clipped."""
    n, k = latent_mean.shape
    mood = (rng.draw(n, 1) + rng.draw(n, 1) - 1.0) * mood_scale
    noise = (rng.draw(n, k) + rng.draw(n, k) + rng.draw(n, k) - 1.5) * noise_scale
    return np.clip(np.floor(latent_mean + mood + noise + 0.5), 1, 4).astype(np.int64)


def build_rows() -> list[list[str]]:
    """All rows of the demo file (header first), in collection order."""
    rng = Uniforms(SEED)
    service = np.concatenate([np.full(n, s, dtype=object) for s, (_, n, _) in SERVICES.items()])
    order = np.argsort(rng.draw(service.size), kind="stable")  # interleave as collected
    service = service[order]
    n = service.size
    population = np.array([SERVICES[s][0] for s in service])
    base = np.array([SERVICES[s][2] for s in service])
    extra = np.stack([EXTRA[s] for s in service])
    perf = answers(rng, base[:, None] + OFFSET[None, :] + extra, 0.7, 0.85)
    imp = answers(rng, np.full((n, 9), IMP_BASE) + IMP_OFFSET[None, :], 0.6, 0.8)
    perf_missing = rng.draw(n, 9) < MISSING_RATE[None, :]
    imp_missing = rng.draw(n, 9) < IMP_MISSING_RATE

    u = rng.draw(n, 4)
    gender = [GENDER[int(u[i, 0] < P_FEMALE[s])] for i, s in enumerate(service)]
    age = [AGE[int(categorical(u[i, 1:2], P_AGE[s])[0])] for i, s in enumerate(service)]
    education = [EDUCATION[int(j)] for j in categorical(u[:, 2], P_EDUCATION)]
    occupation = [
        OCCUPATION[int(categorical(u[i, 3:4], P_OCCUPATION[a])[0])] for i, a in enumerate(age)
    ]

    header = [
        "respondent_id",
        "service",
        "gender",
        "age_band",
        "education",
        "occupation",
        *ELEMENTS,
        *(f"imp_{e}" for e in ELEMENTS),
        "population",
    ]
    rows = [header]
    for i in range(n):
        p = ["" if perf_missing[i, j] else str(perf[i, j]) for j in range(9)]
        q = ["" if imp_missing[i, j] else str(imp[i, j]) for j in range(9)]
        rows.append(
            [
                f"R{i + 1:03d}",
                str(service[i]),
                gender[i],
                age[i],
                education[i],
                occupation[i],
                *p,
                *q,
                str(population[i]),
            ]
        )
    return rows


def build_csv() -> bytes:
    """The demo file's exact bytes: UTF-8, no BOM, comma-separated, ``\\n`` line ends."""
    return "".join(",".join(row) + "\n" for row in build_rows()).encode("utf-8")


def build_files() -> dict[Path, bytes]:
    """Every bundled demo file: the survey, and the catalog and records of the same office."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import demo_records  # the generator of the service records, next to this script

    rng = Uniforms(demo_records.SEED)
    return {
        OUT: build_csv(),
        OUT.with_name("demo_catalog.json"): demo_records.catalog_json(),
        OUT.with_name("demo_records.csv"): demo_records.records_csv(rng.draw),
    }


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    files = build_files()
    if "--check" in args:
        stale = [p.name for p, data in files.items() if not p.exists() or p.read_bytes() != data]
        for path in files:
            state = "DIFFERS from the generator" if path.name in stale else "up to date"
            print(f"{path.name}: {state}")
        return 1 if stale else 0
    OUT.parent.mkdir(parents=True, exist_ok=True)
    for path, data in files.items():
        path.write_bytes(data)
        lines = data.count(b"\n")
        print(f"wrote {path.name}: {lines} lines")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
