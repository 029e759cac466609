# Design-based on-time shares of the demo service records, read as a stratified sample
# (strata = service, fpc = records per service), for tests/standards/test_compliance_design.py.
# Input: compliance_design_input.csv (record statuses: 1 on time, 0 late, NA pending).
# Run: Rscript compliance_design.R  (writes compliance_design.json)
library(survey)
library(jsonlite)
d <- read.csv("compliance_design_input.csv", stringsAsFactors = FALSE)
des <- svydesign(ids = ~1, strata = ~service, fpc = ~population, data = d)
decided <- subset(des, !is.na(on_time))
out <- list()
by_service <- svyby(~on_time, ~service, decided, svymean)
for (i in seq_len(nrow(by_service))) {
  out[[length(out) + 1]] <- list(
    service = by_service$service[i], quarter = NULL,
    call = "svyby(~on_time, ~service, subset(des, !is.na(on_time)), svymean)",
    mean = unname(coef(by_service)[i]), se = unname(SE(by_service)[i]), df = degf(des))
}
by_q <- svyby(~on_time, ~service + quarter, decided, svymean)
for (i in seq_len(nrow(by_q))) {
  out[[length(out) + 1]] <- list(
    service = by_q$service[i], quarter = by_q$quarter[i],
    call = "svyby(~on_time, ~service + quarter, subset(des, !is.na(on_time)), svymean)",
    mean = unname(coef(by_q)[i]), se = unname(SE(by_q)[i]), df = degf(des))
}
writeLines(toJSON(list(tool = paste("R", getRversion(), "survey", packageVersion("survey")),
                       records = out), auto_unbox = TRUE, digits = NA, null = "null"),
           "compliance_design.json")
