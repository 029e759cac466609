"""servqual: service-quality metrics with honest confidence intervals.

>>> import servqual as sq
>>> sq.Design({"score": [3, 4, 2, 4]}).mean("score").value
3.25
"""

from servqual import data, errors, forms, instruments, sample_size, sampling, screening
from servqual.csv_io import read_csv
from servqual.design import (
    ChisqResult,
    Comparison,
    Design,
    DomainEstimator,
    ReplicateDesign,
    TTestResult,
    compare,
    newcombe_difference,
    poststratify,
    rake,
)
from servqual.forms import read_export
from servqual.indices.ces import CESResult, ces, ces_compare
from servqual.indices.csat import CSATResult, csat, csat_compare
from servqual.indices.csi import CSIItem, CSIResult, csi, csi_band, csi_compare
from servqual.indices.ipa import IPAItem, IPAResult, ipa
from servqual.indices.nps import NPSResult, nps, nps_compare
from servqual.indices.rescale import rescale_0_100
from servqual.indices.servqual import (
    ServperfResult,
    ServqualResult,
    servperf,
    servperf_compare,
    servqual_compare,
    servqual_gaps,
)
from servqual.indices.skm import skm_index
from servqual.indices.skm_result import SKMElement, SKMResult
from servqual.intervals import mean_ci, proportion_ci
from servqual.models import (
    CompletionTime,
    Estimate,
    Fee,
    Instrument,
    Interval,
    Item,
    Response,
    Scale,
    Service,
    ServiceCatalog,
    ServiceStandard,
)
from servqual.models.frames import DomainResults
from servqual.parquet_io import read_parquet
from servqual.reliability import (
    ItemTotal,
    ReliabilityTable,
    cronbach_alpha,
    item_total_correlations,
    reliability_table,
)
from servqual.report import (
    Report,
    plot_ipa,
    plot_nps,
    plot_skm,
    render_html,
    render_json,
    render_markdown,
    render_text,
    skm_report,
)
from servqual.responses import Responses
from servqual.sampling import Sample
from servqual.screening import Screening, screen
from servqual.standards import (
    ServiceCompliance,
    ServiceRecords,
    TimeCompliance,
    WorkCalendar,
    compliance,
    compliance_compare,
    read_catalog,
    write_catalog,
)
from servqual.streaming import SKMAccumulator

__version__ = "0.1.0.dev0"

__all__ = [
    "CESResult",
    "CSATResult",
    "CSIItem",
    "CSIResult",
    "ChisqResult",
    "Comparison",
    "CompletionTime",
    "Design",
    "DomainEstimator",
    "DomainResults",
    "Estimate",
    "Fee",
    "IPAItem",
    "IPAResult",
    "Instrument",
    "Interval",
    "Item",
    "ItemTotal",
    "NPSResult",
    "ReliabilityTable",
    "ReplicateDesign",
    "Report",
    "Response",
    "Responses",
    "SKMAccumulator",
    "SKMElement",
    "SKMResult",
    "Sample",
    "Scale",
    "Screening",
    "Service",
    "ServiceCatalog",
    "ServiceCompliance",
    "ServiceRecords",
    "ServiceStandard",
    "ServperfResult",
    "ServqualResult",
    "TTestResult",
    "TimeCompliance",
    "WorkCalendar",
    "__version__",
    "ces",
    "ces_compare",
    "compare",
    "compliance",
    "compliance_compare",
    "cronbach_alpha",
    "csat",
    "csat_compare",
    "csi",
    "csi_band",
    "csi_compare",
    "data",
    "errors",
    "forms",
    "instruments",
    "ipa",
    "item_total_correlations",
    "mean_ci",
    "newcombe_difference",
    "nps",
    "nps_compare",
    "plot_ipa",
    "plot_nps",
    "plot_skm",
    "poststratify",
    "proportion_ci",
    "rake",
    "read_catalog",
    "read_csv",
    "read_export",
    "read_parquet",
    "reliability_table",
    "render_html",
    "render_json",
    "render_markdown",
    "render_text",
    "rescale_0_100",
    "sample_size",
    "sampling",
    "screen",
    "screening",
    "servperf",
    "servperf_compare",
    "servqual_compare",
    "servqual_gaps",
    "skm_index",
    "skm_report",
    "write_catalog",
]
