"""Generate the demo office's service catalog and service records (used by make_demo.py).

``demo_catalog.json``: the published standards of the three services of the demo survey
(KTP-el, Kartu Keluarga, Akta Kelahiran) — completion time in working days, fee (free of
charge, as civil-registration documents are by law) and a complaint-resolution time.

``demo_records.csv``: 600 applications of the first semester of 2026, a simple random
sample within each service from the register (proportional to the 4,210, 2,850 and 1,560
people served; ``population`` holds those counts for a design-based analysis). The story:
KTP-el is often late in the first quarter (blank cards ran short) and better in the second;
a few applicants were charged an illegal fee (*pungutan liar*); a few complaints; some
applications received in the last days of June are still open at the end of the period.

Completion days are computed with numpy's own business-day functions (``busday_offset``
with the demo holidays), not with servqual's calendar, so the shipped file is an
independent check of servqual's working-day arithmetic. Only the raw PCG64 bit stream and
exact arithmetic are used: the files are identical on every run and machine.
"""

from __future__ import annotations

import json

import numpy as np
import numpy.typing as npt

SEED = 20260630
FIRST, LAST = np.datetime64("2026-01-02"), np.datetime64("2026-06-30")
# Illustrative national holidays and collective leave in the demo semester.
HOLIDAYS = (
    "2026-01-01",
    "2026-01-16",
    "2026-02-17",
    "2026-03-19",
    "2026-03-20",
    "2026-03-23",
    "2026-03-24",
    "2026-04-03",
    "2026-05-01",
    "2026-05-14",
    "2026-05-27",
    "2026-06-01",
    "2026-06-16",
)
# service: (sample size, people served, standard in working days, fee overcharged)
SERVICES = {
    "KTP-el": (293, 4210, 3, 50000),
    "Kartu Keluarga": (198, 2850, 3, 25000),
    "Akta Kelahiran": (109, 1560, 5, 20000),
}
# probabilities of 1, 2, … working days taken, per service and quarter
TAKEN = {
    ("KTP-el", 1): (0.15, 0.25, 0.25, 0.15, 0.10, 0.05, 0.05),
    ("KTP-el", 2): (0.25, 0.30, 0.25, 0.10, 0.05, 0.03, 0.02),
    ("Kartu Keluarga", 1): (0.30, 0.35, 0.23, 0.07, 0.05),
    ("Kartu Keluarga", 2): (0.35, 0.35, 0.20, 0.06, 0.04),
    ("Akta Kelahiran", 1): (0.20, 0.25, 0.20, 0.15, 0.13, 0.05, 0.02),
    ("Akta Kelahiran", 2): (0.25, 0.25, 0.20, 0.15, 0.11, 0.03, 0.01),
}
P_ONLINE, P_OVERCHARGE, P_NO_FEE, P_COMPLAINT, P_OPEN_LATE_JUNE = 0.2, 0.03, 0.01, 0.06, 0.5
COMPLAINT_DAYS = (0.30, 0.25, 0.20, 0.10, 0.07, 0.05, 0.03)  # 1 … 7 working days to resolve

HEADER = (
    "record_id,service,unit,channel,quarter,received_at,completed_at,fee,complaint_at,"
    "complaint_resolved_at,population"
)


def catalog() -> dict[str, object]:
    """The demo catalog as the JSON data of a ``ServiceCatalog``."""
    products = {
        "KTP-el": "KTP-el",
        "Kartu Keluarga": "Kartu Keluarga",
        "Akta Kelahiran": "Kutipan Akta Kelahiran",
    }
    services = []
    for sid, (_, _, days, _) in SERVICES.items():
        services.append(
            {
                "id": sid,
                "name": f"Penerbitan {sid}",
                "provider": "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Sukamaju",
                "recipients": ["warga"],
                "standard": {
                    "completion_time": {
                        "value": days,
                        "unit": "working_days",
                        "text": f"{days} hari kerja",
                    },
                    "fee": {
                        "amount": "0",
                        "currency": "IDR",
                        "text": "Gratis (UU 24/2013 ps. 79A)",
                    },
                    "product": products[sid],
                    "complaints": "SP4N-LAPOR!, kotak saran, WhatsApp pengaduan",
                    "complaint_time": {"value": 5, "unit": "working_days", "text": "5 hari kerja"},
                },
            }
        )
    return {"services": services}


def catalog_json() -> bytes:
    """The exact bytes of ``demo_catalog.json``."""
    return (json.dumps(catalog(), indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _pick(u: float, probs: tuple[float, ...]) -> int:
    cdf = np.cumsum(np.asarray(probs, dtype=np.float64))
    return int(min(np.searchsorted(cdf / cdf[-1], u, side="right"), len(probs) - 1))


def _stamp(day: np.datetime64, minute: int) -> str:
    return f"{day}T{minute // 60:02d}:{minute % 60:02d}"


def records_csv(draw: object) -> bytes:
    """The exact bytes of ``demo_records.csv``; ``draw(n)`` gives n uniforms in [0, 1)."""
    uniforms: npt.NDArray[np.float64] = draw(14 * 600)  # type: ignore[operator]
    u = iter(uniforms.tolist())
    hol = np.array(HOLIDAYS, dtype="datetime64[D]")
    days = np.arange(FIRST, LAST + 1)
    working = days[np.is_busday(days, holidays=hol)]
    rows, i = [HEADER], 0
    for sid, (n, pop, _std, pungli) in SERVICES.items():
        for _ in range(n):
            i += 1
            online = next(u) < P_ONLINE
            pool = days if online else working
            day = pool[int(next(u) * pool.size)]
            minute = int(next(u) * 1440) if online else 480 + int(next(u) * 420)
            quarter = 1 if day < np.datetime64("2026-04-01") else 2
            taken = 1 + _pick(next(u), TAKEN[sid, quarter])
            base = np.busday_offset(day, 0, roll="backward", holidays=hol)
            done = np.busday_offset(base, taken, holidays=hol)
            end_minute = 540 + int(next(u) * 420)
            still_open = day > LAST - 10 and next(u) < P_OPEN_LATE_JUNE
            completed = "" if still_open or done > LAST else _stamp(done, end_minute)
            fee = "" if next(u) < P_NO_FEE else str(pungli if next(u) < P_OVERCHARGE else 0)
            c_at = c_res = ""
            if completed and next(u) < P_COMPLAINT:
                c_day = np.busday_offset(done, 1, holidays=hol)
                c_at = _stamp(c_day, 600)
                fix = np.busday_offset(c_day, 1 + _pick(next(u), COMPLAINT_DAYS), holidays=hol)
                c_res = _stamp(fix, 900) if fix <= LAST else ""
            unit = "Kantor Dinas" if next(u) < 0.7 else "Mal Pelayanan Publik"
            rows.append(
                ",".join(
                    [
                        f"{sid[0]}{i:04d}",
                        sid,
                        unit,
                        "online" if online else "loket",
                        f"2026-Q{quarter}",
                        _stamp(day, minute),
                        completed,
                        fee,
                        c_at,
                        c_res,
                        str(pop),
                    ]
                )
            )
    return ("\n".join(rows) + "\n").encode("utf-8")
