# Reference values for tests/indices/test_indices_r.py (run once: Rscript indices_r.R).
#
# A small synthetic survey (48 respondents, 3 strata, weights, 12 PSUs, a few missing
# answers) analysed with R `survey` under two designs:
#   strat: svydesign(ids = ~1, strata = ~stratum, weights = ~w, fpc = ~fpc, data = d)
#   clus:  svydesign(ids = ~psu, strata = ~stratum, weights = ~w, data = d)
#   clusfpc: svydesign(ids = ~psu, strata = ~stratum, weights = ~w, fpc = ~npsu, data = d)
#   post:  clus post-stratified on grp to totals A = 420, B = 380 (postStratify)
# Missing answers are handled as domains of the full design: an item mean is the ratio
# of the totals of y = answer (0 if missing) and a = answered (svytotal + svycontrast),
# which equals svymean(~x, des, na.rm = TRUE). Intervals use df = degf(des) of the full
# design. Group comparisons are differences of two domains on the full design.
# Writes indices_r.json next to this script.

suppressMessages({
  library(survey)
  library(jsonlite)
})
options(digits = 17)

set.seed(20261128)
n <- 48
stratum <- rep(c("h1", "h2", "h3"), each = 16)
psu <- paste0(stratum, "_", rep(rep(1:4, each = 4), 3))
w <- round(c(runif(16, 5, 15), runif(16, 10, 30), runif(16, 2, 8)), 2)
fpc <- rep(c(200, 450, 90), each = 16)
npsu <- rep(c(20, 35, 12), each = 16) # population PSUs per stratum (clusfpc design)
grp <- rep(c("A", "B"), 24)[sample.int(n)]

clip <- function(x, lo, hi) pmin(hi, pmax(lo, round(x)))
person <- rnorm(n, 0, 0.8)
# SERVQUAL: 6 items, 3 dimensions (tang: 1-2, reli: 3-4, resp: 5-6), 1-7; item 6 is
# negatively worded (reverse-scored on both forms: 8 - x).
P <- sapply(1:6, function(j) clip(4.6 + person + rnorm(n, 0, 1.1) + 0.2 * j, 1, 7))
E <- sapply(1:6, function(j) clip(5.8 + 0.5 * person + rnorm(n, 0, 0.9), 1, 7))
P[c(3, 20, 31), 1] <- NA
E[c(5, 40), 2] <- NA
P[c(20, 11), 3] <- NA
E[20, 4] <- NA # respondent 20: no pair on reliability -> no weighted score
P[c(7, 44), 6] <- NA
E[17, 5] <- NA
pts1 <- sample(c(20, 25, 30, 35, 40), n, replace = TRUE)
pts2 <- sample(c(20, 30, 40, 45), n, replace = TRUE)
pts3 <- 100 - pts1 - pts2

# CSI / IPA: 5 items on 1-5, performance and importance.
perf <- sapply(1:5, function(j) clip(3.3 + 0.6 * person + rnorm(n, 0, 0.9) - 0.2 * j, 1, 5))
imp <- sapply(1:5, function(j) clip(3.6 + rnorm(n, 0, 0.8) + 0.15 * j, 1, 5))
perf[c(2, 30), 1] <- NA
perf[45, 4] <- NA
imp[c(9, 30), 2] <- NA
imp[14, 5] <- NA

csat <- clip(3.6 + person + rnorm(n, 0, 0.9), 1, 5)
csat[c(6, 33)] <- NA
ces <- clip(5 + person + rnorm(n, 0, 1.2), 1, 7)
ces[c(12, 27, 41)] <- NA
nps <- clip(7.4 + 1.5 * person + rnorm(n, 0, 1.6), 0, 10)
nps[c(8, 38)] <- NA

d <- data.frame(stratum, psu, w, fpc, npsu, grp, csat, ces, nps, pts1, pts2, pts3)
for (j in 1:6) {
  d[[paste0("P", j)]] <- P[, j]
  d[[paste0("E", j)]] <- E[, j]
}
for (j in 1:5) {
  d[[paste0("perf", j)]] <- perf[, j]
  d[[paste0("imp", j)]] <- imp[, j]
}

# ---- derived per-respondent variables -------------------------------------------
rev <- c(FALSE, FALSE, FALSE, FALSE, FALSE, TRUE)
Ps <- P
Es <- E
Ps[, rev] <- 8 - P[, rev]
Es[, rev] <- 8 - E[, rev]
G <- Ps - Es # gap per item, NA unless both answered
dims <- list(tang = 1:2, reli = 3:4, resp = 5:6)
dmean <- sapply(dims, function(j) rowMeans(G[, j, drop = FALSE], na.rm = TRUE))
dmean[is.nan(dmean)] <- NA
h <- d
h$S <- pts1 / 100 * dmean[, "tang"] + pts2 / 100 * dmean[, "reli"] + pts3 / 100 * dmean[, "resp"]
h$top2 <- as.numeric(csat >= 4)
h$low_effort <- as.numeric(ces >= 5)
h$nps_score <- ifelse(nps >= 9, 1, ifelse(nps >= 7, 0, -1))
h$pro <- as.numeric(nps >= 9)
h$det <- as.numeric(nps <= 6)
# 0 in place of NA for the subset() calls: a subset of a calibrated design keeps the
# excluded rows (with zero weight), and an NA there would make the estimate NA.
for (v in c("csat", "ces", "pro", "det")) h[[paste0(v, "0")]] <- ifelse(is.na(h[[v]]), 0, h[[v]])

# y (0 if missing) and a (answered) columns for ratio means, whole sample and per group
add_ratio_cols <- function(h, x, name) {
  a <- as.numeric(!is.na(x))
  y <- ifelse(is.na(x), 0, x)
  h[[paste0("y_", name)]] <- y
  h[[paste0("a_", name)]] <- a
  for (g in c("A", "B")) {
    h[[paste0("y_", name, "_", g)]] <- y * (grp == g)
    h[[paste0("a_", name, "_", g)]] <- a * (grp == g)
  }
  h
}
for (j in 1:6) {
  h <- add_ratio_cols(h, G[, j], paste0("g", j))
  h <- add_ratio_cols(h, Ps[, j], paste0("p", j))
}
for (j in 1:5) {
  h <- add_ratio_cols(h, perf[, j], paste0("perf", j))
  h <- add_ratio_cols(h, imp[, j], paste0("imp", j))
}
for (v in c("top2", "ces", "nps_score")) h <- add_ratio_cols(h, h[[v]], v)

mean_expr <- function(name, sfx = "") sprintf("(y_%s%s/a_%s%s)", name, sfx, name, sfx)
avg_expr <- function(terms) sprintf("((%s)/%d)", paste(terms, collapse = "+"), length(terms))
dim_expr <- function(prefix, j, sfx = "") avg_expr(sapply(j, function(k) mean_expr(paste0(prefix, k), sfx)))
overall_expr <- function(prefix, sfx = "") avg_expr(sapply(dims, function(j) dim_expr(prefix, j, sfx)))
csi_expr <- function(sfx = "") {
  mis <- sapply(1:5, function(j) mean_expr(paste0("imp", j), sfx))
  mss <- sapply(1:5, function(j) mean_expr(paste0("perf", j), sfx))
  sprintf("(100*(%s)/(%s)/5)", paste(mis, mss, sep = "*", collapse = "+"), paste(mis, collapse = "+"))
}
ratio_vars <- function(names, sfx = "") {
  unlist(lapply(names, function(nm) c(paste0("y_", nm, sfx), paste0("a_", nm, sfx))))
}

stat_out <- function(stat, call, df) {
  ci <- confint(stat, df = df)
  list(
    call = call,
    estimate = as.numeric(coef(stat)),
    se = as.numeric(SE(stat)),
    ci_low = unname(ci[, 1]),
    ci_high = unname(ci[, 2]),
    df = df
  )
}
contrast_out <- function(stat, call, df) {
  out <- stat_out(stat, call, df)
  out$p_value <- 2 * pt(-abs(out$estimate / out$se), df)
  out
}

# svytotal of the y/a columns, then svycontrast with the expressions (delta method)
by_totals <- function(des, vars, exprs, df, what) {
  tot <- svytotal(as.formula(paste("~", paste(vars, collapse = "+"))), des)
  ex <- lapply(exprs, function(e) parse(text = e)[[1]])
  st <- svycontrast(tot, ex)
  call <- sprintf(
    "svycontrast(svytotal(~%s, des), list(%s))  # %s",
    paste(vars, collapse = "+"),
    paste(sprintf("%s = quote(%s)", names(exprs), exprs), collapse = ", "),
    what
  )
  stat_out(st, call, df)
}
group_diff <- function(des, vars_fn, expr_fn, df, what) {
  vars <- c(vars_fn("_A"), vars_fn("_B"))
  e <- sprintf("%s - %s", expr_fn("_A"), expr_fn("_B"))
  tot <- svytotal(as.formula(paste("~", paste(vars, collapse = "+"))), des)
  st <- svycontrast(tot, list(diff = parse(text = e)[[1]]))
  out <- contrast_out(
    st,
    sprintf("svycontrast(svytotal(~%s, des), quote(%s))  # %s", paste(vars, collapse = "+"), e, what),
    df
  )
  out$first <- stat_out(svycontrast(tot, list(a = parse(text = expr_fn("_A"))[[1]])), "group A", df)
  out$second <- stat_out(svycontrast(tot, list(b = parse(text = expr_fn("_B"))[[1]])), "group B", df)
  out
}
svyby_diff <- function(des, var, df) {
  # the domain-totals form (works on every design, calibrated included) ...
  out <- group_diff(des, function(s) ratio_vars(var, s), function(s) mean_expr(var, s), df,
                    sprintf("mean of %s, A - B", var))
  out$groups <- list(estimate = c(out$first$estimate, out$second$estimate),
                     se = c(out$first$se, out$second$se))
  # ... and, where svyby accepts the design, the svyby form (the same numbers)
  sub <- subset(des, !is.na(h[[var]]))
  out$svyby <- tryCatch({
    by <- svyby(as.formula(paste0("~", var)), ~grp, sub, svymean, covmat = TRUE)
    st <- svycontrast(by, c(A = 1, B = -1))
    list(
      call = sprintf("svycontrast(svyby(~%s, ~grp, subset(des, !is.na(%s)), svymean, covmat = TRUE), c(A = 1, B = -1))", var, var),
      estimate = as.numeric(coef(st)), se = as.numeric(SE(st)),
      groups_estimate = unname(coef(by)), groups_se = unname(SE(by))
    )
  }, error = function(e) NULL)
  out
}

analyse <- function(des) {
  df <- degf(des)
  r <- list(df = df)
  gnames <- paste0("g", 1:6)
  pnames <- paste0("p", 1:6)

  # SERVQUAL: items, dimensions, overall (ratio means of the paired gaps)
  items <- setNames(sapply(gnames, function(nm) mean_expr(nm)), paste0("Q", 1:6))
  dimx <- sapply(dims, function(j) dim_expr("g", j))
  r$servqual_items <- by_totals(des, ratio_vars(gnames), items, df, "gap per item")
  r$servqual_items_svymean <- lapply(1:6, function(j) {
    m <- svymean(~gap, update(des, gap = G[, j]), na.rm = TRUE)
    list(call = sprintf("svymean(~gap, update(des, gap = G[, %d]), na.rm = TRUE)", j),
         estimate = as.numeric(coef(m)), se = as.numeric(SE(m)))
  })
  r$servqual_dimensions <- by_totals(des, ratio_vars(gnames), as.list(dimx), df, "dimension gap = mean of item gaps")
  r$servqual_overall <- by_totals(des, ratio_vars(gnames), list(overall = overall_expr("g")), df, "unweighted SERVQUAL")
  m <- svymean(~S, des, na.rm = TRUE)
  r$servqual_weighted <- stat_out(m, "svymean(~S, des, na.rm = TRUE)  # S = sum_d pts_d/100 * respondent's mean gap on d", df)
  r$servqual_compare <- group_diff(
    des, function(s) ratio_vars(gnames, s), function(s) overall_expr("g", s), df, "overall gap A - B"
  )

  # SERVPERF: perception means (reverse-scored item flipped)
  r$servperf_dimensions <- by_totals(des, ratio_vars(pnames), as.list(sapply(dims, function(j) dim_expr("p", j))), df, "SERVPERF dimension means")
  r$servperf_overall <- by_totals(des, ratio_vars(pnames), list(overall = overall_expr("p")), df, "SERVPERF overall")
  r$servperf_compare <- group_diff(
    des, function(s) ratio_vars(pnames, s), function(s) overall_expr("p", s), df, "SERVPERF overall A - B"
  )

  # CSI
  csi_vars <- function(s) ratio_vars(c(paste0("perf", 1:5), paste0("imp", 1:5)), s)
  r$csi <- by_totals(des, csi_vars(""), list(csi = csi_expr()), df, "CSI (%)")
  r$csi_compare <- group_diff(des, csi_vars, csi_expr, df, "CSI A - B")

  # IPA item means with t intervals on degf(des)
  r$ipa_performance <- lapply(1:5, function(j) {
    f <- as.formula(paste0("~perf", j))
    stat_out(svymean(f, des, na.rm = TRUE), sprintf("confint(svymean(~perf%d, des, na.rm = TRUE), df = degf(des))", j), df)
  })
  r$ipa_importance <- lapply(1:5, function(j) {
    f <- as.formula(paste0("~imp", j))
    stat_out(svymean(f, des, na.rm = TRUE), sprintf("confint(svymean(~imp%d, des, na.rm = TRUE), df = degf(des))", j), df)
  })

  # CSAT
  sub <- subset(des, !is.na(csat))
  ci <- svyciprop(~I(csat0 >= 4), sub, method = "logit", df = df)
  r$csat_logit <- list(
    call = "svyciprop(~I(csat0 >= 4), subset(des, !is.na(csat)), method = 'logit', df = degf(des))",
    estimate = as.numeric(coef(ci)), se = as.numeric(sqrt(attr(ci, "var"))),
    ci_low = as.numeric(confint(ci)[1]), ci_high = as.numeric(confint(ci)[2]), df = df
  )
  cm <- svyciprop(~I(csat0 >= 4), sub, method = "mean", df = df)
  r$csat_mean_method <- list(
    call = "svyciprop(~I(csat0 >= 4), subset(des, !is.na(csat)), method = 'mean', df = degf(des))",
    estimate = as.numeric(coef(cm)), se = as.numeric(sqrt(attr(cm, "var"))),
    ci_low = as.numeric(confint(cm)[1]), ci_high = as.numeric(confint(cm)[2]), df = df
  )
  for (m in c("asin", "xlogit", "beta")) {
    cp <- svyciprop(~I(csat0 >= 4), sub, method = m, df = df)
    r[[paste0("csat_", m)]] <- list(
      call = sprintf("svyciprop(~I(csat0 >= 4), subset(des, !is.na(csat)), method = '%s', df = degf(des))", m),
      estimate = as.numeric(coef(cp)), se = as.numeric(sqrt(attr(cp, "var"))),
      ci_low = as.numeric(confint(cp)[1]), ci_high = as.numeric(confint(cp)[2]), df = df,
      rows = nrow(sub), degf_subset = degf(sub)
    )
  }
  # svyciprop's beta ignores df= and uses nrow() and degf() of the subset design (a
  # calibrated design's subset keeps the excluded rows); the same formula with the
  # answered count and the full design's degf(des):
  p <- as.numeric(coef(cm))
  v <- as.numeric(attr(cm, "var"))
  n_ans <- sum(!is.na(h$csat))
  n_eff <- p * (1 - p) / v * (qt(0.025, n_ans - 1) / qt(0.025, df))^2
  r$csat_beta_full_df <- list(
    call = paste(
      "svyciprop's beta formula with the answered count and degf(des): n.eff = p(1-p)/var *",
      "(qt(.025, sum(!is.na(csat)) - 1)/qt(.025, degf(des)))^2; qbeta(...)"
    ),
    ci_low = qbeta(0.025, n_eff * p, n_eff * (1 - p) + 1),
    ci_high = qbeta(0.975, n_eff * p + 1, n_eff * (1 - p)), df = df, rows = n_ans
  )
  r$csat_answer_mean <- stat_out(svymean(~csat, des, na.rm = TRUE), "confint(svymean(~csat, des, na.rm = TRUE), df = degf(des))", df)
  r$csat_compare <- svyby_diff(des, "top2", df)

  # CES (1-7, high = easy, low effort = 5 or more)
  r$ces_mean <- stat_out(svymean(~ces, des, na.rm = TRUE), "confint(svymean(~ces, des, na.rm = TRUE), df = degf(des))", df)
  le <- svyciprop(~I(ces0 >= 5), subset(des, !is.na(ces)), method = "logit", df = df)
  r$ces_low_effort <- list(
    call = "svyciprop(~I(ces0 >= 5), subset(des, !is.na(ces)), method = 'logit', df = degf(des))",
    estimate = as.numeric(coef(le)), se = as.numeric(sqrt(attr(le, "var"))),
    ci_low = as.numeric(confint(le)[1]), ci_high = as.numeric(confint(le)[2]), df = df
  )
  r$ces_compare <- svyby_diff(des, "ces", df)

  # NPS
  r$nps <- stat_out(svymean(~nps_score, des, na.rm = TRUE), "svymean(~nps_score, des, na.rm = TRUE)", df)
  sh <- svymean(~pro0 + det0, subset(des, !is.na(nps)))
  r$nps_shares <- list(call = "svymean(~pro0 + det0, subset(des, !is.na(nps)))", estimate = unname(coef(sh)))
  r$nps_compare <- svyby_diff(des, "nps_score", df)
  r$n_rows <- nrow(des)
  r
}

designs <- list(
  strat = list(
    call = "svydesign(ids = ~1, strata = ~stratum, weights = ~w, fpc = ~fpc, data = h)",
    des = svydesign(ids = ~1, strata = ~stratum, weights = ~w, fpc = ~fpc, data = h)
  ),
  clus = list(
    call = "svydesign(ids = ~psu, strata = ~stratum, weights = ~w, data = h)",
    des = svydesign(ids = ~psu, strata = ~stratum, weights = ~w, data = h)
  ),
  clusfpc = list(
    call = "svydesign(ids = ~psu, strata = ~stratum, weights = ~w, fpc = ~npsu, data = h)",
    des = svydesign(ids = ~psu, strata = ~stratum, weights = ~w, fpc = ~npsu, data = h)
  ),
  post = list(
    call = paste(
      "postStratify(svydesign(ids = ~psu, strata = ~stratum, weights = ~w, data = h),",
      "~grp, data.frame(grp = c('A', 'B'), Freq = c(420, 380)))"
    ),
    des = postStratify(
      svydesign(ids = ~psu, strata = ~stratum, weights = ~w, data = h),
      ~grp, data.frame(grp = c("A", "B"), Freq = c(420, 380))
    )
  )
)

out <- list(
  description = paste(
    "Service-quality indices on a synthetic stratified (and stratified-cluster) survey",
    "with weights and missing answers, computed with R survey; see indices_r.R."
  ),
  tool = list(R = R.version.string, survey = as.character(packageVersion("survey")),
              jsonlite = as.character(packageVersion("jsonlite"))),
  conventions = paste(
    "Missing answers: item means over the answered rows as domains of the full design",
    "(ratio of svytotals = svymean(na.rm = TRUE)); SERVQUAL gap per item over respondents",
    "who answered both forms; item 6 reverse-scored (8 - x) on both forms; intervals",
    "t on degf(des) of the full design; group differences A - B on the full design."
  ),
  data = as.list(d),
  designs = lapply(designs, function(x) x$call),
  reference = lapply(designs, function(x) analyse(x$des))
)
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, na = "null", pretty = TRUE),
           file.path(dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))), "indices_r.json"))
