# Reference values for servqual's reliability and screening tests (tests/test_reliability_psych.py,
# tests/screening/test_icc.py). Run from the repository root:
#   Rscript tests/data/screening_r.R
# Writes tests/data/screening_r.json (the data sets are written into the JSON, so the tests
# never need R). R packages: psych (bfi data, alpha, omega, ICC), jsonlite.
suppressPackageStartupMessages({ library(psych); library(jsonlite) })
data(bfi)  # psych 2.2.x still ships bfi (newer versions move it to psychTools)
out <- list(psych_version = as.character(packageVersion("psych")),
            r_version = R.version.string)

# 1. Cronbach's alpha, psych's default pairwise deletion, on the agreeableness items.
#    A1 ("Am indifferent to the feelings of others") is worded the other way: check.keys=TRUE
#    reverses it as 7 - A1 (psych flips with max + min of the data, 6 + 1).
agree <- bfi[, c("A1", "A2", "A3", "A4", "A5")]
a <- suppressWarnings(alpha(agree, check.keys = TRUE))
a95 <- alpha.ci(a$total$raw_alpha, nrow(agree), 5, p.val = 0.05)
a90 <- alpha.ci(a$total$raw_alpha, nrow(agree), 5, p.val = 0.10)
flipped <- agree; flipped$A1 <- 7 - flipped$A1
o <- suppressWarnings(suppressMessages(omega(flipped, nfactors = 1, plot = FALSE)))
f1 <- fa(flipped, nfactors = 1, fm = "minres")
out$bfi_agreeableness <- list(
  call = "psych::alpha(bfi[, c('A1','A2','A3','A4','A5')], check.keys = TRUE)  # use = 'pairwise'",
  items = names(agree), reverse = "A1", scale = c(1, 6),
  data = unname(as.matrix(agree)),
  raw_alpha = a$total$raw_alpha, std_alpha = a$total$std.alpha, ase = a$total$ase,
  n_rows = nrow(agree),
  feldt95 = c(a95$lower.ci, a95$upper.ci), feldt90 = c(a90$lower.ci, a90$upper.ci),
  alpha_if_dropped = unname(a$alpha.drop$raw_alpha),
  std_alpha_if_dropped = unname(a$alpha.drop$std.alpha),
  r_drop = unname(a$item.stats$r.drop), n_answered = unname(a$item.stats$n),
  omega_total = o$omega.tot,
  omega_call = "psych::omega(flipped, nfactors = 1)  # minres one-factor model",
  loadings_minres = unname(as.numeric(f1$loadings)))

# 2. Listwise: psych::alpha on the complete rows only.
complete <- flipped[complete.cases(flipped), ]
b <- alpha(complete)
out$bfi_agreeableness_listwise <- list(
  call = "psych::alpha(flipped[complete.cases(flipped), ])",
  n = nrow(complete), raw_alpha = b$total$raw_alpha, std_alpha = b$total$std.alpha,
  ase = b$total$ase, r_drop = unname(b$item.stats$r.drop),
  alpha_if_dropped = unname(b$alpha.drop$raw_alpha))

# 3. Interviewer intraclass correlation, one-way random effects.
#    (a) balanced: 6 interviewers x 15 respondents; psych::ICC on the 6 x 15 matrix (ICC1).
set.seed(20261203)
g <- 6; m <- 15
effect <- rnorm(g, 0, 0.25)
bal <- sapply(1:m, function(j) round(3 + effect + rnorm(g, 0, 0.5), 3))  # g x m
icc <- ICC(bal, lmer = FALSE)
row1 <- icc$results[icc$results$type == "ICC1", ]
out$icc_balanced <- list(
  call = "psych::ICC(x)$results['ICC1', ]  # rows = interviewers, columns = respondents",
  scores = as.vector(t(bal)), interviewer = rep(1:g, each = m),
  icc = row1$ICC, F = row1$F, df1 = row1$df1, df2 = row1$df2, p = row1$p,
  lower = row1$"lower bound", upper = row1$"upper bound")

#    (b) unbalanced: 7 interviewers with 4-30 respondents; one-way ANOVA by hand (aov).
sizes <- c(4, 12, 30, 9, 18, 25, 7)
lab <- rep(paste0("int", 1:7), sizes)
eff <- rnorm(7, 0, 0.3)
y <- round(3 + rep(eff, sizes) + rnorm(sum(sizes), 0, 0.55), 3)
tab <- summary(aov(y ~ factor(lab)))[[1]]
msb <- tab$"Mean Sq"[1]; msw <- tab$"Mean Sq"[2]
N <- sum(sizes); k <- length(sizes)
n0 <- (N - sum(sizes^2) / N) / (k - 1)
Fs <- msb / msw; df1 <- k - 1; df2 <- N - k
icc_u <- (msb - msw) / (msb + (n0 - 1) * msw)
bounds <- function(level) {
  a <- 1 - level
  FL <- Fs / qf(1 - a / 2, df1, df2); FU <- Fs * qf(1 - a / 2, df2, df1)
  c((FL - 1) / (FL + n0 - 1), (FU - 1) / (FU + n0 - 1))
}
out$icc_unbalanced <- list(
  call = "summary(aov(y ~ factor(interviewer))); ICC(1) = (MSB - MSW)/(MSB + (n0 - 1) MSW)",
  scores = y, interviewer = lab, msb = msb, msw = msw, n0 = n0, F = Fs, df1 = df1, df2 = df2,
  p = pf(Fs, df1, df2, lower.tail = FALSE), icc = icc_u,
  ci95 = bounds(0.95), ci90 = bounds(0.90))

write_json(out, "tests/data/screening_r.json", digits = NA, auto_unbox = TRUE, pretty = FALSE,
           na = "null")
