# Reference values for servqual's ReplicateDesign (tests/data/replicates.json).
# Run once with R and the survey and jsonlite packages; the tests do not need R.
suppressMessages(library(survey))
library(jsonlite)
data(api)
options(survey.replicates.mse = FALSE)

stat <- function(call_text, est, design, df = degf(design)) {
  ci <- confint(est, df = df)
  list(call = call_text, estimate = unname(as.numeric(coef(est))),
       se = unname(as.numeric(SE(est))), df = df,
       ci95 = list(lower = unname(ci[, 1]), upper = unname(ci[, 2])))
}
ratio_stat <- function(call_text, est, design) {
  df <- degf(design)
  ci <- confint(est, df = df)
  list(call = call_text, estimate = as.numeric(coef(est)), se = as.numeric(SE(est)),
       df = df, ci95 = list(lower = unname(ci[, 1]), upper = unname(ci[, 2])))
}
ciprop <- function(call_text, est, design) {
  ci <- attr(est, "ci")
  list(call = call_text, estimate = as.numeric(est), se = as.numeric(sqrt(attr(est, "var"))),
       df = degf(design), ci95 = list(lower = unname(ci[1]), upper = unname(ci[2])))
}
by_stat <- function(call_text, est, design) {
  df <- degf(design)
  ci <- confint(est, df = df)
  list(call = call_text, domains = as.character(est[[1]]), estimate = unname(as.numeric(coef(est))),
       se = unname(as.numeric(SE(est))), df = df,
       ci95 = list(lower = unname(ci[, 1]), upper = unname(ci[, 2])))
}
repcols <- function(w) {
  w <- as.matrix(w)
  colnames(w) <- paste0("rw", seq_len(ncol(w)))
  as.data.frame(w)
}

records <- list()

## --- apiclus1: JK1 and bootstrap -------------------------------------------------------
clus <- apiclus1[, c("dnum", "stype", "sch.wide", "api00", "api99", "enroll", "api.stu", "pw", "fpc")]
clus$api99_na <- clus$api99
clus$api99_na[c(5, 17, 40, 41, 120)] <- NA
dclus1 <- svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = clus)

jk_orig <- as.svrepdesign(dclus1, type = "JK1")
jk_w <- repcols(weights(jk_orig, "analysis"))
jk_data <- cbind(clus, jk_w)
jk_scale <- jk_orig$scale
jk <- svrepdesign(data = jk_data, repweights = jk_data[, names(jk_w)], weights = ~pw,
                  type = "JK1", scale = jk_scale, combined.weights = TRUE)
jk_mse <- svrepdesign(data = jk_data, repweights = jk_data[, names(jk_w)], weights = ~pw,
                      type = "JK1", scale = jk_scale, combined.weights = TRUE, mse = TRUE)
jk_default <- suppressWarnings(svrepdesign(data = jk_data, repweights = jk_data[, names(jk_w)],
                      weights = ~pw, type = "JK1", combined.weights = TRUE))
stopifnot(all.equal(SE(svymean(~api00, jk)), SE(svymean(~api00, jk_orig))))

set.seed(20261128)
bs_orig <- as.svrepdesign(dclus1, type = "bootstrap", replicates = 50)
bs_w <- repcols(weights(bs_orig, "analysis"))
bs_data <- cbind(clus, bs_w)
bs <- svrepdesign(data = bs_data, repweights = bs_data[, names(bs_w)], weights = ~pw,
                  type = "bootstrap", scale = bs_orig$scale, combined.weights = TRUE)
bs_default <- svrepdesign(data = bs_data, repweights = bs_data[, names(bs_w)], weights = ~pw,
                          type = "bootstrap", combined.weights = TRUE)
stopifnot(all.equal(SE(svymean(~api00, bs)), SE(svymean(~api00, bs_orig))))

mk <- "svrepdesign(data=d, repweights=d[, paste0('rw', 1:R)], weights=~pw, type=%s, combined.weights=TRUE%s)"
designs <- list(
  jk = sprintf(mk, "'JK1'", ", scale=jk_scale"),
  jk_mse = sprintf(mk, "'JK1'", ", scale=jk_scale, mse=TRUE"),
  jk_default = sprintf(mk, "'JK1'", ""),
  bs = sprintf(mk, "'bootstrap'", ", scale=bs_scale"),
  bs_default = sprintf(mk, "'bootstrap'", "")
)
for (nm in c("jk", "jk_mse", "jk_default", "bs", "bs_default")) {
  des <- get(nm)
  r <- list()
  r$mean_api00 <- stat("svymean(~api00, des); confint(., df=degf(des))", svymean(~api00, des), des)
  r$total_enroll <- stat("svytotal(~enroll, des); confint(., df=degf(des))", svytotal(~enroll, des), des)
  r$ratio <- ratio_stat("svyratio(~api.stu, ~enroll, des); confint(., df=degf(des))",
                        svyratio(~api.stu, ~enroll, des), des)
  r$mean_api99_na <- stat("svymean(~api99_na, des, na.rm=TRUE); confint(., df=degf(des))",
                          svymean(~api99_na, des, na.rm = TRUE), des)
  for (m in c("mean", "xlogit", "asin", "beta", "logit")) {
    r[[paste0("ciprop_", m)]] <- ciprop(
      sprintf("svyciprop(~I(sch.wide=='Yes'), des, method='%s')", m),
      svyciprop(~I(sch.wide == "Yes"), des, method = m), des)
  }
  r$by_mean <- by_stat("svyby(~api00, ~stype, des, svymean); confint(., df=degf(des))",
                       svyby(~api00, ~stype, des, svymean), des)
  r$by_total <- by_stat("svyby(~enroll, ~stype, des, svytotal); confint(., df=degf(des))",
                        svyby(~enroll, ~stype, des, svytotal), des)
  r$by_prop <- by_stat("svyby(~I(as.numeric(sch.wide=='Yes')), ~stype, des, svymean); confint(., df=degf(des))",
                       svyby(~I(as.numeric(sch.wide == "Yes")), ~stype, des, svymean), des)
  r$by_ratio <- by_stat("svyby(~api.stu, ~stype, des, svyratio, denominator=~enroll); confint(., df=degf(des))",
                        svyby(~api.stu, ~stype, des, svyratio, denominator = ~enroll), des)
  r$scale <- des$scale
  r$rscales <- des$rscales
  r$degf <- degf(des)
  r$design <- designs[[nm]]
  records[[nm]] <- r
}

## --- BRR / Fay / JKn: 8 strata x 2 PSUs x 2 schools of apistrat -------------------------
small <- do.call(rbind, lapply(c("E", "H", "M"), function(s) apistrat[apistrat$stype == s, ][1:12, ]))
small <- small[c(1:12, 13:24, 25:32), c("stype", "sch.wide", "api00", "api99", "enroll", "api.stu", "pw")]
small$str <- paste0("s", rep(1:8, each = 4))
small$psu <- paste0("p", rep(1:16, each = 2))
rownames(small) <- NULL
dsmall <- svydesign(id = ~psu, strata = ~str, weights = ~pw, data = small)
for (nm in c("brr", "fay", "jkn")) {
  orig <- switch(nm,
    brr = as.svrepdesign(dsmall, type = "BRR"),
    fay = as.svrepdesign(dsmall, type = "Fay", fay.rho = 0.3),
    jkn = as.svrepdesign(dsmall, type = "JKn"))
  w <- repcols(weights(orig, "analysis"))
  d <- cbind(small, w)
  des <- switch(nm,
    brr = svrepdesign(data = d, repweights = d[, names(w)], weights = ~pw, type = "BRR", combined.weights = TRUE),
    fay = svrepdesign(data = d, repweights = d[, names(w)], weights = ~pw, type = "Fay", rho = 0.3, combined.weights = TRUE),
    jkn = svrepdesign(data = d, repweights = d[, names(w)], weights = ~pw, type = "JKn",
                      scale = 1, rscales = orig$rscales, combined.weights = TRUE))
  stopifnot(all.equal(SE(svymean(~api00, des)), SE(svymean(~api00, orig))))
  r <- list()
  r$mean_api00 <- stat("svymean(~api00, des); confint(., df=degf(des))", svymean(~api00, des), des)
  r$total_enroll <- stat("svytotal(~enroll, des); confint(., df=degf(des))", svytotal(~enroll, des), des)
  r$ratio <- ratio_stat("svyratio(~api.stu, ~enroll, des); confint(., df=degf(des))",
                        svyratio(~api.stu, ~enroll, des), des)
  r$ciprop_mean <- ciprop("svyciprop(~I(sch.wide=='Yes'), des, method='mean')",
                          svyciprop(~I(sch.wide == "Yes"), des, method = "mean"), des)
  r$by_mean <- by_stat("svyby(~api00, ~stype, des, svymean); confint(., df=degf(des))",
                       svyby(~api00, ~stype, des, svymean), des)
  r$scale <- des$scale
  r$rscales <- des$rscales
  r$degf <- degf(des)
  r$design <- switch(nm,
    brr = "as.svrepdesign(svydesign(id=~psu, strata=~str, weights=~pw, data=small), type='BRR'); then svrepdesign(data=d, repweights=d[, paste0('rw', 1:R)], weights=~pw, type='BRR', combined.weights=TRUE)",
    fay = "as.svrepdesign(svydesign(id=~psu, strata=~str, weights=~pw, data=small), type='Fay', fay.rho=0.3); then svrepdesign(..., type='Fay', rho=0.3, combined.weights=TRUE)",
    jkn = "as.svrepdesign(svydesign(id=~psu, strata=~str, weights=~pw, data=small), type='JKn'); then svrepdesign(..., type='JKn', scale=1, rscales=orig$rscales, combined.weights=TRUE)")
  r$data <- d
  records[[nm]] <- r
}

out <- list(
  description = paste(
    "Replicate-weight designs in R survey: svymean, svytotal, svyratio, svyciprop, svyby on",
    "designs built by svrepdesign(..., combined.weights=TRUE) from the replicate weights that",
    "as.svrepdesign() made (each checked equal to the as.svrepdesign design in R). The data",
    "and every replicate-weight column are stored, so the tests do not need R."),
  tool = paste(R.version.string, "survey", as.character(packageVersion("survey")),
               "jsonlite", as.character(packageVersion("jsonlite"))),
  options = "options(survey.replicates.mse = FALSE) except where mse=TRUE is given",
  setup = list(
    clus = "clus <- apiclus1[, c('dnum','stype','sch.wide','api00','api99','enroll','api.stu','pw','fpc')]; clus$api99_na <- clus$api99; clus$api99_na[c(5,17,40,41,120)] <- NA; dclus1 <- svydesign(id=~dnum, weights=~pw, fpc=~fpc, data=clus)",
    jk = "jk_orig <- as.svrepdesign(dclus1, type='JK1'); jk_scale <- jk_orig$scale; d <- cbind(clus, weights(jk_orig, 'analysis') as columns rw1..rw15)",
    bs = "set.seed(20261128); bs_orig <- as.svrepdesign(dclus1, type='bootstrap', replicates=50); bs_scale <- bs_orig$scale; d <- cbind(clus, weights(bs_orig, 'analysis') as columns rw1..rw50)",
    small = "apistrat: first 12 rows of each stype E, H, M; keep rows 1:32; str <- s1..s8 (4 rows each), psu <- p1..p16 (2 rows each)"),
  jk_data = jk_data, bs_data = bs_data,
  records = records)
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, na = "null", dataframe = "columns", pretty = FALSE),
           "replicates.json")
