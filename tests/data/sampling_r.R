# Reference values for servqual's sample-size, PPS, allocation and comparison functions
# (tests/data/sampling_r.json). Run once with R and the sampling and jsonlite packages:
#   Rscript tests/data/sampling_r.R > tests/data/sampling_r.json
# The tests do not need R.
suppressMessages(library(sampling))
library(jsonlite)

tight <- 1e-12  # uniroot tolerance: R's default (eps^0.25, ~1.2e-4) is too loose for 1e-9
zq <- function(level, sides = 2) qnorm(1 - (1 - level) / sides)

## --- for_difference: power.prop.test and power.t.test (strict = FALSE) ----------------
power_prop <- list()
for (pp in list(c(0.50, 0.75), c(0.80, 0.85), c(0.30, 0.20), c(0.05, 0.10), c(0.60, 0.70)))
  for (lv in c(0.95, 0.90, 0.99)) for (pw in c(0.8, 0.9)) for (alt in c("two.sided", "one.sided")) {
    r <- power.prop.test(p1 = pp[1], p2 = pp[2], sig.level = 1 - lv, power = pw,
                         alternative = alt, tol = tight)
    r0 <- power.prop.test(p1 = pp[1], p2 = pp[2], sig.level = 1 - lv, power = pw,
                          alternative = alt)
    power_prop[[length(power_prop) + 1]] <- list(
      call = sprintf("power.prop.test(p1 = %s, p2 = %s, sig.level = %s, power = %s, alternative = \"%s\", tol = 1e-12)",
                     pp[1], pp[2], 1 - lv, pw, alt),
      p1 = pp[1], p2 = pp[2], level = lv, power = pw, alternative = alt,
      n = r$n, n_default_tol = r0$n)
  }

power_t <- list()
for (dd in list(c(1, 1), c(0.2, 0.6), c(0.5, 1.2), c(3, 2), c(0.1, 0.55), c(20, 1)))
  for (lv in c(0.95, 0.90, 0.99)) for (pw in c(0.8, 0.9)) for (alt in c("two.sided", "one.sided")) {
    r <- power.t.test(delta = dd[1], sd = dd[2], sig.level = 1 - lv, power = pw,
                      alternative = alt, tol = tight)
    power_t[[length(power_t) + 1]] <- list(
      call = sprintf("power.t.test(delta = %s, sd = %s, sig.level = %s, power = %s, alternative = \"%s\", tol = 1e-12)",
                     dd[1], dd[2], 1 - lv, pw, alt),
      delta = dd[1], sd = dd[2], level = lv, power = pw, alternative = alt, n = r$n,
      power_at_ceiling = power.t.test(n = ceiling(r$n - 1e-9), delta = dd[1], sd = dd[2],
                                      sig.level = 1 - lv, alternative = alt)$power)
  }

## --- for_proportion (wald, wilson) and for_mean: explicit formulas ---------------------
fpc <- function(m, N, correction) {
  if (is.na(N)) return(m)
  if (correction == "cochran") m / (1 + (m - 1) / N) else m / (1 + m / N)
}
wilson_half <- function(n, p, z) z / (n + z^2) * sqrt(n * p * (1 - p) + z^2 / 4)
proportion <- list()
for (cs in list(list(e = 0.05, lv = 0.95, p = 0.5, N = NA, deff = 1, rr = 1),
                list(e = 0.05, lv = 0.95, p = 0.5, N = 1200, deff = 1, rr = 1),
                list(e = 0.03, lv = 0.99, p = 0.8, N = 5000, deff = 1.5, rr = 0.8),
                list(e = 0.10, lv = 0.90, p = 0.3, N = 150, deff = 2, rr = 0.7),
                list(e = 0.02, lv = 0.95, p = 0.1, N = NA, deff = 1.2, rr = 0.9)))
  for (method in c("wald", "wilson")) for (corr in c("cochran", "simple")) {
    z <- zq(cs$lv)
    n0 <- if (method == "wald") z^2 * cs$p * (1 - cs$p) / cs$e^2 else
      uniroot(function(n) wilson_half(n, cs$p, z) - cs$e, c(1e-6, 1e7), tol = 1e-13)$root
    exact <- fpc(n0 * cs$deff, cs$N, corr) / cs$rr
    proportion[[length(proportion) + 1]] <- list(
      margin = cs$e, level = cs$lv, p = cs$p, population = if (is.na(cs$N)) NULL else cs$N,
      deff = cs$deff, response_rate = cs$rr, method = method, correction = corr,
      n0 = n0, exact = exact,
      formula = if (method == "wald") "n0 = qnorm(1-(1-level)/2)^2 p (1-p) / e^2" else
        "n0 = uniroot(z/(n+z^2) sqrt(n p (1-p) + z^2/4) = e), tol = 1e-13")
  }

mean_cases <- list()
for (cs in list(list(s = 0.6, e = 0.05, lv = 0.95, N = 1200, deff = 1, rr = 1),
                list(s = 15, e = 2, lv = 0.95, N = 1200, deff = 1, rr = 0.8),
                list(s = 12, e = 2, lv = 0.90, N = NA, deff = 1.3, rr = 1),
                list(s = 1.1, e = 0.1, lv = 0.99, N = 400, deff = 2, rr = 0.6)))
  for (corr in c("simple", "cochran")) {
    n0 <- (zq(cs$lv) * cs$s / cs$e)^2
    mean_cases[[length(mean_cases) + 1]] <- list(
      sd = cs$s, margin = cs$e, level = cs$lv, population = if (is.na(cs$N)) NULL else cs$N,
      deff = cs$deff, response_rate = cs$rr, correction = corr, n0 = n0,
      exact = fpc(n0 * cs$deff, cs$N, corr) / cs$rr)
  }

## --- PPS inclusion probabilities: sampling::inclusionprobabilities ---------------------
incl <- list()
for (cs in list(list(x = c(100, 300, 200, 250, 150), n = 2),
                list(x = c(1, 2, 3, 4, 5, 6, 7, 2), n = 3),
                list(x = c(40, 1, 2, 3, 4, 5), n = 3),                  # one take-all unit
                list(x = c(500, 260, 10, 20, 30, 40, 50, 60, 70), n = 4),  # cascade: 2nd capped after 1st
                list(x = c(5, 5, 5, 5, 80, 3, 2, 1), n = 5),
                list(x = c(0.5, 12.25, 3, 7, 7, 1e3, 2.5, 30, 64, 9), n = 6)))
  incl[[length(incl) + 1]] <- list(
    call = sprintf("inclusionprobabilities(c(%s), %d)", paste(cs$x, collapse = ", "), cs$n),
    sizes = cs$x, n = cs$n, pik = inclusionprobabilities(cs$x, cs$n))

## --- exact sample distributions of UPsystematic and of Brewer's method ----------------
with_uniforms <- function(f, u) {  # run the package function with the given uniforms
  k <- 0
  g <- f
  environment(g) <- list2env(list(runif = function(...) { k <<- k + 1; u[k] }),
                             parent = environment(f))
  g
}
subset_key <- function(s) paste(which(s == 1), collapse = ",")

systematic_exact <- function(pik) {
  cuts <- sort(unique(c(0, cumsum(pik) %% 1, 1)))
  probs <- list()
  for (j in seq_len(length(cuts) - 1)) {
    if (cuts[j + 1] - cuts[j] < 1e-12) next
    u <- (cuts[j] + cuts[j + 1]) / 2
    key <- subset_key(with_uniforms(UPsystematic, u)(pik))
    probs[[key]] <- (if (is.null(probs[[key]])) 0 else probs[[key]]) + cuts[j + 1] - cuts[j]
  }
  probs
}

brewer_exact <- function(pik) {  # Tille (2006) Algorithm 6.10, every ordered path
  n <- round(sum(pik)); N <- length(pik)
  probs <- list()
  walk <- function(sb, prob, i) {
    if (i > n) {
      key <- paste(which(sb == 1), collapse = ",")
      probs[[key]] <<- (if (is.null(probs[[key]])) 0 else probs[[key]]) + prob
      return(invisible())
    }
    a <- sum(pik * sb)
    p <- (1 - sb) * pik * ((n - a) - pik) / ((n - a) - pik * (n - i + 1))
    p <- p / sum(p)
    for (k in which(p > 0)) { s2 <- sb; s2[k] <- 1; walk(s2, prob * p[k], i + 1) }
  }
  walk(rep(0, N), 1, 1)
  probs
}

first_order <- function(probs, N) {
  pi <- rep(0, N)
  for (key in names(probs)) { idx <- as.integer(strsplit(key, ",")[[1]]); pi[idx] <- pi[idx] + probs[[key]] }
  pi
}
joint <- function(probs, N) {
  m <- matrix(0, N, N)
  for (key in names(probs)) { idx <- as.integer(strsplit(key, ",")[[1]]); m[idx, idx] <- m[idx, idx] + probs[[key]] }
  m
}

designs <- list()
set.seed(20261128)
for (cs in list(list(x = c(1, 2, 3, 4, 5, 6, 7, 2), n = 3),
                list(x = c(3, 1, 4, 1, 5, 9), n = 2),
                list(x = c(10, 20, 30, 15, 25, 5, 40), n = 3),
                list(x = c(2, 9, 4, 7, 1, 6, 3, 8), n = 2))) {
  pik <- inclusionprobabilities(cs$x, cs$n)
  N <- length(pik)
  sy <- systematic_exact(pik); br <- brewer_exact(pik)
  stopifnot(abs(sum(unlist(sy)) - 1) < 1e-12, abs(sum(unlist(br)) - 1) < 1e-12)
  stopifnot(max(abs(first_order(sy, N) - pik)) < 1e-12)
  stopifnot(max(abs(joint(sy, N) - UPsystematicpi2(pik))) < 1e-12)
  # deterministic draws of the package functions from recorded uniforms
  us <- matrix(runif(20 * cs$n), 20)
  sys_draws <- lapply(1:20, function(r) which(with_uniforms(UPsystematic, us[r, 1])(pik) == 1))
  br_draws <- lapply(1:20, function(r) which(with_uniforms(UPbrewer, us[r, ])(pik) == 1))
  designs[[length(designs) + 1]] <- list(
    sizes = cs$x, n = cs$n, pik = pik,
    systematic = list(subsets = names(sy), prob = unname(unlist(sy))),
    brewer = list(subsets = names(br), prob = unname(unlist(br)),
                  first_order = first_order(br, N),
                  max_abs_first_order_minus_pik = max(abs(first_order(br, N) - pik))),
    uniforms = us, UPsystematic_draws = sys_draws, UPbrewer_draws = br_draws)
}

## --- allocation: exact shares by a root search of sum(clip(lambda a_h, l_h, u_h)) = n ---
alloc_exact <- function(a, n, lower, upper) {
  f <- function(lam) sum(pmin(pmax(lam * a, lower), upper)) - n
  lam <- uniroot(f, c(0, 2 * n / min(a[a > 0])), tol = 1e-15)$root
  pmin(pmax(lam * a, lower), upper)
}
largest_remainder <- function(x, n) {
  fl <- floor(x + 1e-12); short <- n - sum(fl)
  ord <- order(-(x - fl), seq_along(x))
  if (short > 0) fl[ord[1:short]] <- fl[ord[1:short]] + 1
  fl
}
alloc <- list()
for (cs in list(
  list(N = c(500, 300, 200), S = c(10, 20, 5), C = c(1, 1, 1), n = 100, m = 0, method = "neyman"),
  list(N = c(100, 1000), S = c(10, 0.1), C = c(1, 1), n = 150, m = 0, method = "neyman"),
  list(N = c(10, 20, 1000), S = c(100, 40, 1), C = c(1, 1, 1), n = 60, m = 0, method = "neyman"),
  list(N = c(700, 350, 150), S = c(12, 15, 25), C = c(1, 1, 1), n = 291, m = 2, method = "neyman"),
  list(N = c(1000, 1000), S = c(1, 1), C = c(1, 4), n = 90, m = 0, method = "optimal"),
  list(N = c(400, 250, 90, 1200, 60), S = c(1.2, 0.8, 2.5, 0.4, 3), C = c(1, 2.5, 4, 1, 9),
       n = 300, m = 0, method = "optimal"),
  list(N = c(400, 250, 90, 1200, 60), S = c(1.2, 0.8, 2.5, 0.4, 3), C = c(1, 2.5, 4, 1, 9),
       n = 300, m = 5, method = "neyman"),
  list(N = c(30, 45, 2000, 800), S = c(9, 7, 0.5, 0.3), C = c(16, 1, 1, 2.25), n = 120, m = 2,
       method = "optimal"),
  list(N = c(30, 45, 2000, 800, 12), S = c(9, 7, 0.5, 0.3, 0.01), C = c(1, 1, 1, 1, 1), n = 140,
       m = 3, method = "neyman"))) {
  a <- cs$N * cs$S / (if (cs$method == "optimal") sqrt(cs$C) else 1)
  x <- alloc_exact(a, cs$n, pmin(cs$m, cs$N), cs$N)
  alloc[[length(alloc) + 1]] <- list(
    N_h = cs$N, S_h = cs$S, c_h = cs$C, n = cs$n, minimum = cs$m, method = cs$method,
    exact = x, counts = largest_remainder(x, cs$n), take_all = I(which(x >= cs$N - 1e-9)))
}

## --- compare(): Welch t.test on raw samples -------------------------------------------
set.seed(7)
welch <- list()
for (cs in list(list(x = c(4, 4, 3, 3, 4, 3, 4, 4, 2, 3, 4, 4), y = c(3, 4, 3, 2, 4, 3, 3, 4, 2, 3)),
                list(x = round(rnorm(25, 3.2, 0.6), 2), y = round(rnorm(8, 2.9, 1.4), 2)),
                list(x = round(rnorm(5, 70, 4), 1), y = round(rnorm(40, 75, 15), 1)),
                list(x = c(1, 2), y = c(10, 12, 15)),
                list(x = sample(1:4, 60, TRUE), y = sample(1:4, 3, TRUE))))
  for (lv in c(0.95, 0.90)) {
    tt <- t.test(cs$x, cs$y, var.equal = FALSE, conf.level = lv)
    welch[[length(welch) + 1]] <- list(
      call = sprintf("t.test(x, y, var.equal = FALSE, conf.level = %s)", lv),
      x = cs$x, y = cs$y, level = lv, estimate = unname(tt$estimate[1] - tt$estimate[2]),
      statistic = unname(tt$statistic), df = unname(tt$parameter), p_value = tt$p.value,
      ci = unname(tt$conf.int[1:2]), stderr = tt$stderr)
  }

## --- newcombe_difference: method 10 from prop.test's Wilson limits ---------------------
newcombe <- list()
for (cs in list(c(56, 70, 48, 80), c(9, 10, 3, 10), c(5, 56, 0, 29), c(0, 10, 0, 20),
                c(10, 10, 0, 20), c(10, 10, 10, 10), c(0, 15, 15, 15), c(1, 1, 0, 1),
                c(37, 250, 52, 260), c(120, 130, 80, 95), c(3, 4, 0, 1)))
  for (lv in c(0.95, 0.90, 0.99)) {
    w1 <- suppressWarnings(prop.test(cs[1], cs[2], correct = FALSE, conf.level = lv))$conf.int
    w2 <- suppressWarnings(prop.test(cs[3], cs[4], correct = FALSE, conf.level = lv))$conf.int
    p1 <- cs[1] / cs[2]; p2 <- cs[3] / cs[4]; d <- p1 - p2
    pv <- suppressWarnings(prop.test(cs[c(1, 3)], cs[c(2, 4)], correct = FALSE)$p.value)
    newcombe[[length(newcombe) + 1]] <- list(
      x1 = cs[1], n1 = cs[2], x2 = cs[3], n2 = cs[4], level = lv,
      wilson1 = w1[1:2], wilson2 = w2[1:2],
      lower = max(-1, d - sqrt((p1 - w1[1])^2 + (w2[2] - p2)^2)),
      upper = min(1, d + sqrt((w1[2] - p1)^2 + (p2 - w2[1])^2)),
      p_value = if (is.na(pv)) NULL else pv)
  }

out <- list(
  description = paste(
    "servqual sample_size.for_difference vs power.prop.test / power.t.test (tol = 1e-12);",
    "for_proportion / for_mean vs explicit formulas; sampling::inclusionprobabilities;",
    "exact sample distributions of UPsystematic (u-intervals) and Brewer's method (all",
    "draw paths, Tille 2006 Alg. 6.10) and draws of UPsystematic / UPbrewer from recorded",
    "uniforms; Neyman / optimal allocation by root search; Welch t.test; Newcombe method 10",
    "from prop.test Wilson limits. Subsets are 1-based unit positions."),
  tool = paste(R.version.string, "sampling", as.character(packageVersion("sampling")),
               "jsonlite", as.character(packageVersion("jsonlite"))),
  script = "tests/data/sampling_r.R",
  power_prop = power_prop, power_t = power_t, for_proportion = proportion, for_mean = mean_cases,
  inclusion_probabilities = incl, pps_designs = designs, allocation = alloc, welch = welch,
  newcombe = newcombe)
cat(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE, null = "null"))
