# Reference values for servqual's R-parity estimators (tests/data/rparity.json).
#
# Run once with R and the survey and jsonlite packages (Rscript rparity.R); the tests do
# not need R. The R and survey versions are written into the JSON ("versions"): every
# value below comes from that survey version (4.1.1 when this file was made).
#
# Data: R survey's own data sets (api: apistrat, apiclus1, apiclus2; nhanes; election;
# mu284) plus synthetic answers (Likert items, NPS, CSI) drawn with a fixed seed on the
# rows of apiclus2 and election_pps, so that the indices can be checked on a two-stage and
# a PPS design. Every data column a test uses is written into the JSON ("data").
suppressMessages({
  library(survey)
  library(jsonlite)
})
options(digits = 17)
data(api)
data(nhanes)
data(election)
data(mu284)

records <- list()
add <- function(id, call, ...) {
  args <- list(...)
  nm <- names(args)
  rec <- list(id = id, call = call)
  for (i in seq_along(args)) {
    if (is.null(nm) || nm[i] == "") rec <- c(rec, args[[i]]) else rec[[nm[i]]] <- args[[i]]
  }
  records[[length(records) + 1]] <<- rec
}
num <- function(x) unname(as.numeric(x))

# ---- designs --------------------------------------------------------------------------
dstrat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat, fpc = ~fpc)
dclus1 <- svydesign(id = ~dnum, weights = ~pw, data = apiclus1, fpc = ~fpc)
dclus2 <- svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, data = apiclus2)
dclus2w <- svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, weights = ~pw, data = apiclus2)
dmu <- svydesign(id = ~id1 + id2, fpc = ~n1 + n2, data = mu284)
dnh <- svydesign(id = ~SDMVPSU, strata = ~SDMVSTRA, weights = ~WTMEC2YR, nest = TRUE,
                 data = nhanes)
# a stratified two-stage design: the apiclus2 districts split into two strata by the
# parity of their number, with made-up population district counts per stratum
ac2 <- apiclus2
ac2$half <- ifelse(ac2$dnum %% 2 == 0, "even", "odd")
ac2$fpc1h <- ifelse(ac2$half == "even", 380, 377)
dclus2s <- svydesign(id = ~dnum + snum, strata = ~half, fpc = ~fpc1h + fpc2, data = ac2)

set.seed(20261203)
likert <- function(n, k, lo, hi, shift) {
  person <- rnorm(n, 0, 0.8)
  sapply(1:k, function(j) pmin(hi, pmax(lo, round(shift + person + rnorm(n, 0, 0.9) - 0.1 * j))))
}
add_answers <- function(d) {
  n <- nrow(d)
  u <- likert(n, 9, 1, 4, 3.0)
  for (j in 1:9) d[[paste0("u", j)]] <- u[, j]
  perf <- likert(n, 5, 1, 5, 3.6)
  imp <- likert(n, 5, 1, 5, 3.9)
  for (j in 1:5) {
    d[[paste0("perf", j)]] <- perf[, j]
    d[[paste0("imp", j)]] <- imp[, j]
  }
  d$nps <- pmin(10, pmax(0, round(7.2 + rnorm(n, 0, 2))))
  d$nps_score <- ifelse(d$nps >= 9, 1, ifelse(d$nps >= 7, 0, -1))
  d
}
ac2a <- add_answers(apiclus2)
el <- add_answers(election_pps)
el$p_fpc <- el$p
dclus2a <- svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, data = ac2a)
pps_designs <- list(
  brewer = svydesign(id = ~1, fpc = ~p, data = el, pps = "brewer"),
  overton = svydesign(id = ~1, fpc = ~p, data = el, pps = "overton"),
  overton_yg = svydesign(id = ~1, fpc = ~p, data = el, pps = "overton", variance = "YG"),
  hartley_rao = svydesign(id = ~1, fpc = ~p, data = el, pps = HR()),
  hartley_rao_yg = svydesign(id = ~1, fpc = ~p, data = el, pps = HR(), variance = "YG"),
  hartley_rao_psum = svydesign(id = ~1, fpc = ~p, data = el, pps = HR(sum(election$p^2) / 40))
)

stat <- function(est, df) {
  ci <- confint(est, df = df)
  list(estimate = num(coef(est)), se = num(SE(est)), df = df,
       ci_low = unname(ci[, 1]), ci_high = unname(ci[, 2]))
}

# ---- svyquantile (survey >= 4.1 implementation) ----------------------------------------
qdesigns <- list(dstrat = dstrat, dclus1 = dclus1, dclus2 = dclus2)
for (dn in names(qdesigns)) {
  for (it in c("mean", "beta", "xlogit", "asin")) {
    for (qr in c("math", "school", "hf7")) {
      q <- svyquantile(~api00, qdesigns[[dn]], c(0.1, 0.5, 0.9), interval.type = it, qrule = qr)
      m <- q$api00
      add(sprintf("quantile_%s_%s_%s", dn, it, qr),
          sprintf("svyquantile(~api00, %s, c(0.1, 0.5, 0.9), interval.type = '%s', qrule = '%s')", dn, it, qr),
          design = dn, column = "api00", probs = c(0.1, 0.5, 0.9), interval = it, rule = qr,
          estimate = num(m[, 1]), ci_low = num(m[, 2]), ci_high = num(m[, 3]), se = num(m[, 4]),
          df = degf(qdesigns[[dn]]))
    }
  }
}
q <- svyquantile(~api00, dclus1, c(0.01, 0.99))$api00
add("quantile_dclus1_extreme", "svyquantile(~api00, dclus1, c(0.01, 0.99))",
    design = "dclus1", column = "api00", probs = c(0.01, 0.99), interval = "mean", rule = "math",
    estimate = num(q[, 1]), ci_low = num(q[, 2]), ci_high = num(q[, 3]), se = num(q[, 4]),
    df = degf(dclus1))
q <- svyquantile(~api00, dclus1, c(0.25, 0.5), alpha = 0.1)$api00
add("quantile_dclus1_level90", "svyquantile(~api00, dclus1, c(0.25, 0.5), alpha = 0.1)",
    design = "dclus1", column = "api00", probs = c(0.25, 0.5), interval = "mean", rule = "math",
    level = 0.9, estimate = num(q[, 1]), ci_low = num(q[, 2]), ci_high = num(q[, 3]),
    se = num(q[, 4]), df = degf(dclus1))
for (dn in c("dclus1", "dclus2", "dstrat")) {
  b <- svyby(~api00, ~stype, qdesigns[[dn]], svyquantile, quantiles = 0.5, ci = TRUE)
  dfs <- sapply(c("E", "H", "M"), function(s) degf(subset(qdesigns[[dn]], stype == s)))
  add(sprintf("quantile_by_%s", dn), sprintf("svyby(~api00, ~stype, %s, svyquantile, quantiles = 0.5, ci = TRUE)", dn),
      design = dn, column = "api00", by = "stype", p = 0.5, domains = as.character(b$stype),
      estimate = num(b[, 2]), se = num(b[, 3]), df = num(dfs))
}
# shahvaish: survey 4.1.1 uses w/2 where the published rule (Shah & Vaish 2006) has the
# normalised weight wbar/2; both are recorded.
qrule_shahvaish_published <- function(x, w, p) {
  if (any(zero <- w == 0)) { w <- w[!zero]; x <- x[!zero] }
  n <- length(x); ii <- order(x); x <- x[ii]; w <- w[ii]
  wbar <- w / mean(w)
  S <- cumsum(wbar)
  pk <- (S + 0.5 - wbar / 2) / (n + 1)
  approx(pk, x, p, method = "constant", f = 0, rule = 2)$y
}
for (dn in c("dstrat", "dclus1")) {
  d <- qdesigns[[dn]]
  r41 <- svyquantile(~api00, d, c(0.1, 0.5, 0.9), qrule = "shahvaish")$api00
  pub <- svyquantile(~api00, d, c(0.1, 0.5, 0.9), qrule = qrule_shahvaish_published)$api00
  add(sprintf("quantile_%s_shahvaish", dn),
      sprintf("svyquantile(~api00, %s, c(0.1, 0.5, 0.9), qrule = qrule_shahvaish_published)", dn),
      design = dn, column = "api00", probs = c(0.1, 0.5, 0.9), interval = "mean",
      rule = "shahvaish", estimate = num(pub[, 1]), ci_low = num(pub[, 2]),
      ci_high = num(pub[, 3]), se = num(pub[, 4]), df = degf(d),
      r411_estimate = num(r41[, 1]), r411_ci_low = num(r41[, 2]), r411_ci_high = num(r41[, 3]))
}

# ---- svyvar ------------------------------------------------------------------------
for (case in list(list("dstrat", "api00"), list("dclus1", "api00"), list("dclus1", "enroll"),
                  list("dclus2", "api00"))) {
  d <- get(case[[1]])
  v <- svyvar(as.formula(paste0("~", case[[2]])), d)
  add(sprintf("var_%s_%s", case[[1]], case[[2]]),
      sprintf("svyvar(~%s, %s)", case[[2]], case[[1]]), design = case[[1]], column = case[[2]],
      estimate = num(coef(v)), se = num(SE(v)), df = degf(d))
}
v <- svyvar(~enroll, dclus2, na.rm = TRUE)
add("var_dclus2_enroll_na", "svyvar(~enroll, dclus2, na.rm = TRUE)", design = "dclus2",
    column = "enroll", estimate = num(coef(v)), se = num(SE(v)), df = degf(dclus2))

# ---- svyttest ----------------------------------------------------------------------
tt <- function(id, formula, dname, d) {
  t <- svyttest(formula, d)
  add(id, sprintf("svyttest(%s, %s)", deparse(formula), dname), design = dname,
      column = as.character(formula[[2]]), group = as.character(formula[[3]]),
      estimate = num(t$estimate), statistic = num(t$statistic), df = num(t$parameter),
      p_value = num(t$p.value), ci_low = num(t$conf.int[1]), ci_high = num(t$conf.int[2]))
}
tt("ttest_dclus1_api00_schwide", api00 ~ sch.wide, "dclus1", dclus1)
tt("ttest_dstrat_api00_schwide", api00 ~ sch.wide, "dstrat", dstrat)
tt("ttest_dstrat_enroll_compimp", enroll ~ comp.imp, "dstrat", dstrat)
tt("ttest_dclus2_api00_schwide", api00 ~ sch.wide, "dclus2", dclus2)
tt("ttest_dnh_hichol_gender", HI_CHOL ~ RIAGENDR, "dnh", dnh)

# ---- svychisq ----------------------------------------------------------------------
chi <- function(id, formula, dname, d) {
  out <- list()
  for (s in c("F", "Chisq", "Wald", "adjWald")) {
    x <- svychisq(formula, d, statistic = s)
    out[[s]] <- list(statistic = num(x$statistic), parameter = num(x$parameter),
                     p_value = num(x$p.value))
  }
  vars <- all.vars(formula)
  add(id, sprintf("svychisq(%s, %s, statistic = ...)", deparse(formula), dname), design = dname,
      rows = vars[1], cols = vars[2], results = out)
}
chi("chisq_dclus1_schwide_stype", ~sch.wide + stype, "dclus1", dclus1)
chi("chisq_dstrat_stype_awards", ~stype + awards, "dstrat", dstrat)
chi("chisq_dclus2_schwide_stype", ~sch.wide + stype, "dclus2", dclus2)
chi("chisq_dnh_race_agecat", ~race + agecat, "dnh", dnh)

# ---- svycontrast (linear) ------------------------------------------------------------
m <- svymean(~api00 + api99, dstrat)
add("contrast_dstrat_means", "svycontrast(svymean(~api00 + api99, dstrat), c(api00 = 1, api99 = -1))",
    design = "dstrat", kind = "mean", coefficients = list(api00 = 1, api99 = -1),
    c(stat(svycontrast(m, c(api00 = 1, api99 = -1)), degf(dstrat))))
tot <- svytotal(~enroll + api00, dclus1)
add("contrast_dclus1_totals", "svycontrast(svytotal(~enroll + api00, dclus1), c(enroll = 2, api00 = 0.5))",
    design = "dclus1", kind = "total", coefficients = list(enroll = 2, api00 = 0.5),
    c(stat(svycontrast(tot, c(enroll = 2, api00 = 0.5)), degf(dclus1))))
by <- svyby(~api00, ~stype, dclus1, svymean, covmat = TRUE)
add("contrast_dclus1_by", "svycontrast(svyby(~api00, ~stype, dclus1, svymean, covmat = TRUE), c(E = 1, H = -0.5, M = -0.5))",
    design = "dclus1", kind = "mean", by = "stype", column = "api00",
    coefficients = list(E = 1, H = -0.5, M = -0.5),
    c(stat(svycontrast(by, c(E = 1, H = -0.5, M = -0.5)), degf(dclus1))))
by2 <- svyby(~api00, ~stype, dclus2, svymean, covmat = TRUE)
add("contrast_dclus2_by", "svycontrast(svyby(~api00, ~stype, dclus2, svymean, covmat = TRUE), c(E = 1, H = -0.5, M = -0.5))",
    design = "dclus2", kind = "mean", by = "stype", column = "api00",
    coefficients = list(E = 1, H = -0.5, M = -0.5),
    c(stat(svycontrast(by2, c(E = 1, H = -0.5, M = -0.5)), degf(dclus2))))

# ---- two-stage designs with a second-stage fpc ----------------------------------------
for (dn in c("dclus2", "dclus2w", "dclus2s")) {
  d <- get(dn)
  add(sprintf("twostage_%s_mean_api00", dn), sprintf("svymean(~api00, %s)", dn), design = dn,
      kind = "mean", column = "api00", c(stat(svymean(~api00, d), degf(d))))
  add(sprintf("twostage_%s_total_enroll", dn), sprintf("svytotal(~enroll, %s, na.rm = TRUE)", dn),
      design = dn, kind = "total", column = "enroll",
      c(stat(svytotal(~enroll, d, na.rm = TRUE), degf(d))))
  add(sprintf("twostage_%s_ratio", dn), sprintf("svyratio(~api00, ~api99, %s)", dn), design = dn,
      kind = "ratio", column = "api00", denominator = "api99",
      c(stat(svyratio(~api00, ~api99, d), degf(d))))
  p <- svyciprop(~I(sch.wide == "Yes"), d)
  add(sprintf("twostage_%s_prop", dn), sprintf("svyciprop(~I(sch.wide == 'Yes'), %s)", dn),
      design = dn, kind = "proportion", column = "sch.wide", value = "Yes",
      estimate = num(p), se = num(sqrt(attr(p, "var"))), df = degf(d),
      ci_low = num(attr(p, "ci")[1]), ci_high = num(attr(p, "ci")[2]))
  b <- svyby(~api00, ~stype, d, svymean)
  add(sprintf("twostage_%s_by", dn), sprintf("svyby(~api00, ~stype, %s, svymean)", dn),
      design = dn, kind = "by_mean", column = "api00", by = "stype",
      domains = as.character(b$stype), estimate = num(coef(b)), se = num(SE(b)), df = degf(d))
}
add("twostage_dmu_total_y1", "svytotal(~y1, dmu)", design = "dmu", kind = "total",
    column = "y1", c(stat(svytotal(~y1, dmu), degf(dmu))))
add("twostage_dmu_mean_y1", "svymean(~y1, dmu)", design = "dmu", kind = "mean",
    column = "y1", c(stat(svymean(~y1, dmu), degf(dmu))))

# ---- PPS without replacement ----------------------------------------------------------
for (dn in names(pps_designs)) {
  d <- pps_designs[[dn]]
  add(sprintf("pps_%s_total", dn), sprintf("svytotal(~Bush + Kerry, %s)", dn), design = dn,
      kind = "total", columns = c("Bush", "Kerry"), c(stat(svytotal(~Bush + Kerry, d), degf(d))))
  add(sprintf("pps_%s_mean", dn), sprintf("svymean(~Kerry, %s)", dn), design = dn,
      kind = "mean", column = "Kerry", c(stat(svymean(~Kerry, d), degf(d))))
}

# ---- indices on two-stage and PPS designs ----------------------------------------------
items <- paste0("u", 1:9)
skm_expr <- parse(text = sprintf("25 * (%s) / 9", paste(items, collapse = " + ")))[[1]]
csi_expr <- parse(text = sprintf("100 * (%s) / (%s) / 5",
  paste(sprintf("imp%d * perf%d", 1:5, 1:5), collapse = " + "),
  paste(sprintf("imp%d", 1:5), collapse = " + ")))[[1]]
index_cases <- list(dclus2a = dclus2a, brewer = pps_designs$brewer, overton = pps_designs$overton,
                    hartley_rao = pps_designs$hartley_rao)
for (dn in names(index_cases)) {
  d <- index_cases[[dn]]
  m <- svymean(as.formula(paste("~", paste(items, collapse = "+"))), d)
  add(sprintf("skm_%s", dn), sprintf("svycontrast(svymean(~u1 + ... + u9, %s), quote(25 * (u1 + ... + u9) / 9))", dn),
      design = dn, kind = "skm", c(stat(svycontrast(m, skm_expr), degf(d))),
      nrr = num(coef(m)))
  m2 <- svymean(as.formula(paste("~", paste(c(paste0("perf", 1:5), paste0("imp", 1:5)), collapse = "+"))), d)
  add(sprintf("csi_%s", dn), sprintf("svycontrast(svymean(~perf1 + ... + imp5, %s), quote(100 * sum(imp * perf) / sum(imp) / 5))", dn),
      design = dn, kind = "csi", c(stat(svycontrast(m2, csi_expr), degf(d))))
  add(sprintf("nps_%s", dn), sprintf("svymean(~nps_score, %s)  # times 100", dn),
      design = dn, kind = "nps", c(stat(svymean(~nps_score, d), degf(d))))
}

# ---- svyciprop: likelihood, unclipped asin/mean, domain df ------------------------------
for (case in list(list("dstrat", "sch.wide == 'Yes'"), list("dclus1", "ell == 0"),
                  list("dclus1", "sch.wide == 'Yes'"), list("dclus2", "sch.wide == 'Yes'"))) {
  d <- get(case[[1]])
  for (mth in c("likelihood", "asin", "mean", "logit", "beta", "xlogit")) {
    f <- as.formula(sprintf("~I(%s)", case[[2]]))
    p <- svyciprop(f, d, method = mth)
    add(sprintf("ciprop_%s_%s_%s", case[[1]], gsub("[^a-z0-9]+", "", case[[2]]), mth),
        sprintf("svyciprop(~I(%s), %s, method = '%s')", case[[2]], case[[1]], mth),
        design = case[[1]], condition = case[[2]], method = mth, estimate = num(p),
        se = num(sqrt(attr(p, "var"))), df = degf(d),
        ci_low = num(attr(p, "ci")[1]), ci_high = num(attr(p, "ci")[2]))
  }
}
for (mth in c("logit", "asin", "mean", "beta", "xlogit", "likelihood")) {
  b <- svyby(~I(ell == 0), ~stype, dclus1, svyciprop, vartype = "ci", method = mth)
  dfs <- sapply(c("E", "H", "M"), function(s) degf(subset(dclus1, stype == s)))
  add(sprintf("ciprop_by_dclus1_ell0_stype_%s", mth),
      sprintf("svyby(~I(ell == 0), ~stype, dclus1, svyciprop, vartype = 'ci', method = '%s')", mth),
      design = "dclus1", condition = "ell == 0", by = "stype", method = mth,
      domains = as.character(b$stype), estimate = num(b[, 2]), ci_low = num(b[, 3]),
      ci_high = num(b[, 4]), df = num(dfs))
}

# ---- lonely PSU, survey 4.1.1's "adjust" (centred at zero) -----------------------------
lone <- apistrat[apistrat$stype != "H" | seq_len(nrow(apistrat)) == which(apistrat$stype == "H")[1], ]
options(survey.lonely.psu = "adjust")
dlone <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = lone)
add("lonely_adjust_total", "options(survey.lonely.psu = 'adjust'); svytotal(~enroll, dlone)",
    design = "dlone", kind = "total", column = "enroll", c(stat(svytotal(~enroll, dlone), degf(dlone))))
add("lonely_adjust_mean", "options(survey.lonely.psu = 'adjust'); svymean(~api00, dlone)",
    design = "dlone", kind = "mean", column = "api00", c(stat(svymean(~api00, dlone), degf(dlone))))
options(survey.lonely.psu = "fail")
# a PSU with a single sampled unit at stage 2, under each policy
lone2 <- data.frame(a = c(1, 1, 2, 3, 3), b = c(1, 2, 1, 1, 2), y = c(1, 2, 4, 3, 5), N = 10,
                    M = c(3, 3, 3, 4, 4))
for (policy in c("adjust", "remove", "certainty", "average")) {
  options(survey.lonely.psu = policy)
  dl2 <- svydesign(id = ~a + b, fpc = ~N + M, data = lone2)
  add(sprintf("lonely_stage2_%s", policy), sprintf("options(survey.lonely.psu = '%s'); svytotal(~y, dl2)", policy),
      design = "dl2", kind = "total", column = "y", policy = policy,
      estimate = num(coef(svytotal(~y, dl2))), se = num(SE(svytotal(~y, dl2))))
}
options(survey.lonely.psu = "fail")

# ---- GREG calibration, bounds, trimming, replicate designs ------------------------------
pop <- c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018, api99 = 3914069)
dg <- calibrate(dclus1, ~stype + api99, pop)
add("greg_linear_mean", "svymean(~api00, calibrate(dclus1, ~stype + api99, pop))",
    design = "dclus1", kind = "mean", column = "api00", c(stat(svymean(~api00, dg), degf(dg))),
    weights = num(weights(dg)))
add("greg_linear_total", "svytotal(~enroll, calibrate(dclus1, ~stype + api99, pop))",
    design = "dclus1", kind = "total", column = "enroll", c(stat(svytotal(~enroll, dg), degf(dg))))
dgb <- calibrate(dclus1, ~stype + api99, pop, bounds = c(0.7, 1.7))
add("greg_bounded_mean", "svymean(~api00, calibrate(dclus1, ~stype + api99, pop, bounds = c(0.7, 1.7)))",
    design = "dclus1", kind = "mean", column = "api00", c(stat(svymean(~api00, dgb), degf(dgb))),
    weights = num(weights(dgb)))
for (cf in c("raking", "logit")) {
  dgc <- calibrate(dclus1, ~stype + api99, pop, calfun = cf, bounds = c(0.5, 2.5))
  add(sprintf("greg_%s_mean", cf), sprintf("svymean(~api00, calibrate(dclus1, ~stype + api99, pop, calfun = '%s', bounds = c(0.5, 2.5)))", cf),
      design = "dclus1", kind = "mean", column = "api00", calfun = cf, bounds = c(0.5, 2.5),
      c(stat(svymean(~api00, dgc), degf(dgc))), weights = num(weights(dgc)))
}
dgr <- calibrate(dclus1, ~stype + api99, pop, calfun = "raking")
add("greg_raking_unbounded_mean", "svymean(~api00, calibrate(dclus1, ~stype + api99, pop, calfun = 'raking'))",
    design = "dclus1", kind = "mean", column = "api00", calfun = "raking",
    c(stat(svymean(~api00, dgr), degf(dgr))), weights = num(weights(dgr)))
dgt <- trimWeights(dg, upper = 40, lower = 28)
add("greg_trimmed_total", "svytotal(~enroll, trimWeights(dg, upper = 40, lower = 28))",
    design = "dclus1", kind = "total", column = "enroll", c(stat(svytotal(~enroll, dgt), degf(dgt))),
    weights = num(weights(dgt)))
rclus1 <- as.svrepdesign(dclus1, type = "JK1")
rg <- calibrate(rclus1, ~stype + api99, pop)
add("greg_replicate_mean", "svymean(~api00, calibrate(as.svrepdesign(dclus1, type = 'JK1'), ~stype + api99, pop))",
    design = "rclus1", kind = "mean", column = "api00", c(stat(svymean(~api00, rg), degf(rg))),
    replicate_weights = unname(lapply(seq_len(ncol(rclus1$repweights$weights)),
      function(j) num(weights(rclus1, "analysis")[, j]))),
    scale = rclus1$scale, rscales = num(rclus1$rscales), mse = rclus1$mse,
    calibrated_weights = num(weights(rg, "sampling")))
for (it in c("mean", "xlogit")) {
  q <- svyquantile(~api00, rclus1, c(0.25, 0.5, 0.9), interval.type = it)$api00
  add(sprintf("quantile_rclus1_%s", it), sprintf("svyquantile(~api00, as.svrepdesign(dclus1, type = 'JK1'), c(0.25, 0.5, 0.9), interval.type = '%s')", it),
      design = "rclus1", column = "api00", probs = c(0.25, 0.5, 0.9), interval = it, rule = "math",
      estimate = num(q[, 1]), ci_low = num(q[, 2]), ci_high = num(q[, 3]), se = num(q[, 4]),
      df = degf(rclus1))
}
rgb <- calibrate(rclus1, ~stype + api99, pop, bounds = c(0.7, 1.7))
add("greg_replicate_bounded_mean", "svymean(~api00, calibrate(as.svrepdesign(dclus1, type = 'JK1'), ~stype + api99, pop, bounds = c(0.7, 1.7)))",
    design = "rclus1", kind = "mean", column = "api00", c(stat(svymean(~api00, rgb), degf(rgb))))
dgs <- calibrate(dstrat, ~stype + api99, c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018, api99 = 3914069))
add("greg_dstrat_mean", "svymean(~api00, calibrate(dstrat, ~stype + api99, pop))",
    design = "dstrat", kind = "mean", column = "api00", c(stat(svymean(~api00, dgs), degf(dgs))))
dgt2 <- trimWeights(dg, upper = 40, lower = 28, strict = TRUE)
add("greg_trimmed_strict_total", "svytotal(~enroll, trimWeights(dg, upper = 40, lower = 28, strict = TRUE))",
    design = "dclus1", kind = "total", column = "enroll", c(stat(svytotal(~enroll, dgt2), degf(dgt2))),
    weights = num(weights(dgt2)))
dg2 <- calibrate(dclus2, ~stype + api99, pop, bounds = c(0.5, 2))
add("greg_twostage_bounded_mean", "svymean(~api00, calibrate(dclus2, ~stype + api99, pop, bounds = c(0.5, 2)))",
    design = "dclus2", kind = "mean", column = "api00", c(stat(svymean(~api00, dg2), degf(dg2))),
    weights = num(weights(dg2)))

# ---- data ------------------------------------------------------------------------------
keep <- function(d, cols) as.list(d[, cols])
out <- list(
  versions = list(R = R.version.string, survey = as.character(packageVersion("survey"))),
  data = list(
    apistrat = keep(apistrat, c("stype", "pw", "fpc", "api00", "api99", "enroll", "sch.wide", "comp.imp", "awards", "ell")),
    apiclus1 = keep(apiclus1, c("dnum", "pw", "fpc", "api00", "api99", "enroll", "sch.wide", "stype", "ell")),
    apiclus2 = keep(ac2a, c("dnum", "snum", "fpc1", "fpc2", "pw", "api00", "api99", "enroll", "sch.wide", "stype",
                            paste0("u", 1:9), paste0("perf", 1:5), paste0("imp", 1:5), "nps", "nps_score")),
    apiclus2_strata = keep(ac2, c("half", "fpc1h")),
    nhanes = keep(nhanes, c("SDMVPSU", "SDMVSTRA", "WTMEC2YR", "HI_CHOL", "race", "agecat", "RIAGENDR")),
    mu284 = keep(mu284, c("id1", "n1", "id2", "y1", "n2")),
    election_pps = keep(el, c("Bush", "Kerry", "p", paste0("u", 1:9), paste0("perf", 1:5), paste0("imp", 1:5),
                              "nps", "nps_score")),
    election_psum = sum(election$p^2) / 40,
    dlone = keep(lone, c("stype", "pw", "enroll", "api00")),
    lone2 = as.list(lone2),
    population = as.list(pop)
  ),
  records = records
)
out$data$apistrat$stype <- as.character(out$data$apistrat$stype)
for (nm in c("apistrat", "apiclus1", "apiclus2")) {
  for (col in names(out$data[[nm]])) {
    if (is.factor(out$data[[nm]][[col]])) out$data[[nm]][[col]] <- as.character(out$data[[nm]][[col]])
  }
}
out$data$dlone$stype <- as.character(out$data$dlone$stype)
here <- tryCatch(dirname(sys.frame(1)$ofile), error = function(e) ".")
args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
target <- if (length(script)) file.path(dirname(script), "rparity.json") else "rparity.json"
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, na = "null", pretty = FALSE), target)
cat("wrote", target, "\n")
