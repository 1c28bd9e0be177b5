# Generates r-reference.json, the R reference values for test/power/r-reference.test.ts.
# Run from this folder: Rscript r-reference.R   (R >= 4.2 with package pwr; values committed).
# Every case stores the exact R expression that produced its expected value.
# "Solve for n / p2 / delta / f" cases use a tight uniroot tolerance (tol = 1e-12), because
# R's default (.Machine$double.eps^0.25 ~ 1.2e-4) leaves n correct only to ~1e-4.
library(jsonlite)
library(pwr)
options(digits = 17)

cases <- list()
add <- function(id, fn, input, solve, r) {
  value <- eval(parse(text = r))
  cases[[length(cases) + 1]] <<- list(id = id, fn = fn, input = input, solve = solve, r = r, expected = value)
}
num <- function(x) as.character(x)  # shortest exact decimal of these inputs

# ---- power.prop.test ---------------------------------------------------------------------------
pairs <- list(c(0.05, 0.06), c(0.1, 0.12), c(0.1, 0.2), c(0.3, 0.4), c(0.5, 0.75), c(0.6, 0.9), c(0.2, 0.1))
i <- 0
for (pp in pairs) for (alt in c("two.sided", "one.sided")) for (strict in c(FALSE, TRUE)) for (a in c(0.05, 0.01)) {
  if (strict && alt == "one.sided") next
  p1 <- pp[1]; p2 <- pp[2]
  ours <- if (alt == "two.sided") "two-sided" else if (p2 > p1) "greater" else "less"
  common <- sprintf("sig.level = %s, alternative = \"%s\", strict = %s", num(a), alt, strict)
  for (pw in c(0.8, 0.9)) {
    i <- i + 1
    add(sprintf("prop-n-%d", i), "powerTwoProportions",
        list(p1 = p1, p2 = p2, alpha = a, power = pw, alternative = ours, strict = strict), "n",
        sprintf("power.prop.test(p1 = %s, p2 = %s, power = %s, %s, tol = 1e-12)$n", num(p1), num(p2), num(pw), common))
  }
  for (n in c(30, 500, 20000)) {
    i <- i + 1
    add(sprintf("prop-power-%d", i), "powerTwoProportions",
        list(p1 = p1, p2 = p2, alpha = a, n = n, alternative = ours, strict = strict), "power",
        sprintf("power.prop.test(p1 = %s, p2 = %s, n = %s, %s)$power", num(p1), num(p2), num(n), common))
  }
  if (p2 > p1) for (n in c(50, 400)) {  # R solves p2 in (p1, 1)
    i <- i + 1
    add(sprintf("prop-p2-%d", i), "powerTwoProportions",
        list(p1 = p1, alpha = a, n = n, power = 0.8, alternative = ours, strict = strict), "p2",
        sprintf("power.prop.test(p1 = %s, n = %s, power = 0.8, %s, tol = 1e-12)$p2", num(p1), num(n), common))
  }
}

# ---- power.t.test --------------------------------------------------------------------------------
i <- 0
for (type in c("two.sample", "one.sample", "paired")) for (alt in c("two.sided", "one.sided")) for (strict in c(FALSE, TRUE)) {
  if (strict && alt == "one.sided") next
  ours <- if (alt == "two.sided") "two-sided" else "greater"
  for (a in c(0.05, 0.01)) for (sd in c(1, 2.5)) {
    common <- sprintf("sd = %s, sig.level = %s, type = \"%s\", alternative = \"%s\", strict = %s", num(sd), num(a), type, alt, strict)
    for (delta in c(0.2, 0.5, 1, 2) * sd) for (pw in c(0.8, 0.95)) {
      i <- i + 1
      add(sprintf("t-n-%d", i), "powerTwoMeans",
          list(delta = delta, sd = sd, alpha = a, power = pw, type = type, alternative = ours, strict = strict), "n",
          sprintf("power.t.test(delta = %s, power = %s, %s, tol = 1e-12)$n", num(delta), num(pw), common))
    }
    for (n in c(3, 12, 40, 1000)) for (delta in c(0.3, 1.5) * sd) {
      i <- i + 1
      add(sprintf("t-power-%d", i), "powerTwoMeans",
          list(delta = delta, sd = sd, alpha = a, n = n, type = type, alternative = ours, strict = strict), "power",
          sprintf("power.t.test(delta = %s, n = %s, %s)$power", num(delta), num(n), common))
    }
    for (n in c(5, 60)) for (pw in c(0.8, 0.95)) {
      i <- i + 1
      add(sprintf("t-delta-%d", i), "powerTwoMeans",
          list(sd = sd, alpha = a, n = n, power = pw, type = type, alternative = ours, strict = strict), "delta",
          sprintf("power.t.test(n = %s, power = %s, %s, tol = 1e-12)$delta", num(n), num(pw), common))
    }
  }
}
# Large samples: df up to ~1.6e6 (R switches pt to its normal approximation above df = 4e5).
for (delta in c(0.02, 0.005)) for (type in c("two.sample", "one.sample")) {
  i <- i + 1
  add(sprintf("t-n-large-%d", i), "powerTwoMeans", list(delta = delta, power = 0.8, type = type), "n",
      sprintf("power.t.test(delta = %s, power = 0.8, type = \"%s\", tol = 1e-12)$n", num(delta), type))
}

# ---- pwr.anova.test --------------------------------------------------------------------------------
# pwr.anova.test's own uniroot has the default tolerance, so the solved cases call its power
# formula (the p.body of pwr.anova.test, verbatim) through uniroot with tol = 1e-12.
anova_power <- "pf(qf(%s, %s - 1, (%s - 1) * %s, lower = FALSE), %s - 1, (%s - 1) * %s, %s * %s * %s^2, lower = FALSE)"
i <- 0
for (k in c(2, 3, 5, 10)) for (a in c(0.05, 0.01)) {
  for (f in c(0.05, 0.1, 0.25, 0.4)) for (pw in c(0.8, 0.9)) {
    i <- i + 1
    body <- sprintf(anova_power, num(a), k, "n", k, k, "n", k, k, "n", num(f))
    add(sprintf("anova-n-%d", i), "powerAnova", list(groups = k, f = f, alpha = a, power = pw), "n",
        sprintf("uniroot(function(n) %s - %s, c(2 + 1e-10, 1e+09), tol = 1e-12)$root", body, num(pw)))
  }
  for (n in c(3, 20, 150)) for (f in c(0.1, 0.3)) {
    i <- i + 1
    add(sprintf("anova-power-%d", i), "powerAnova", list(groups = k, f = f, alpha = a, n = n), "power",
        sprintf("pwr.anova.test(k = %s, n = %s, f = %s, sig.level = %s)$power", k, num(n), num(f), num(a)))
  }
  for (n in c(4, 50)) for (pw in c(0.8, 0.9)) {
    i <- i + 1
    body <- sprintf(anova_power, num(a), k, num(n), k, k, num(n), k, k, num(n), "f")
    add(sprintf("anova-f-%d", i), "powerAnova", list(groups = k, n = n, alpha = a, power = pw), "f",
        sprintf("uniroot(function(f) %s - %s, c(1e-07, 1e+07), tol = 1e-12)$root", body, num(pw)))
  }
}

out <- list(
  source = sprintf("%s; pwr %s; generated by test/power/r-reference.R", R.version.string, packageVersion("pwr")),
  tolerance = list(n = "1e-6 relative", p2_delta_f = "1e-6 relative", power = "1e-8 absolute"),
  cases = cases
)
writeLines(toJSON(out, auto_unbox = TRUE, digits = I(17), pretty = TRUE), "r-reference.json")
cat(length(cases), "cases\n")
