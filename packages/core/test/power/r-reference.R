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

# ---- factorial designs: F tests of a fixed-effects factorial model ---------------------------------
# Main effects and two-factor interactions of 2^k, mixed-level and fractional designs (core's
# factorialPower). Term with u numerator df in a model of p parameters (intercept + main effects +
# the model's 2FIs) at N total units: v = N - p, ncp = f^2 * N (Cohen 1988 ch. 8; G*Power), power
# = 1 - pf(qf(1 - alpha, u, v), u, v, ncp). Not pwr.f2.test: it uses ncp = f2 * (u + v + 1), which
# equals f^2 * N only when the model holds one effect (the one-factor cases below check that
# against pwr.anova.test and pwr.f2.test). A design tests several terms: the required N is the max
# over the tested terms of each term's N, the power the min, the detectable f the max.
term_power <- function(u, p, alpha, f, N) {
  sprintf("1 - pf(qf(1 - %s, %s, %s - %s), %s, %s - %s, ncp = %s^2 * %s)", num(alpha), u, N, p, u, N, p, f, N)
}
term_label <- function(names, factors) paste(names[factors + 1], collapse = ":")
fdesigns <- list(
  list(id = "2^3-main", levels = c(2, 2, 2), cells = 8, interactions = list(), target = "main_effects"),
  list(id = "2^3-2fi-int", levels = c(2, 2, 2), cells = 8, interactions = list(c(0, 1), c(0, 2), c(1, 2)), target = "interactions"),
  list(id = "2^3-2fi-main", levels = c(2, 2, 2), cells = 8, interactions = list(c(0, 1), c(0, 2), c(1, 2)), target = "main_effects",
       names = c("color", "size", "copy")),
  list(id = "2x3x2-int", levels = c(2, 3, 2), cells = 12, interactions = list(c(0, 1)), target = "interactions"),
  list(id = "2x3x2-main", levels = c(2, 3, 2), cells = 12, interactions = list(c(0, 1)), target = "main_effects"),
  list(id = "2^(5-2)-main", levels = c(2, 2, 2, 2, 2), cells = 8, interactions = list(), target = "main_effects"),
  list(id = "2^(5-2)-BC", levels = c(2, 2, 2, 2, 2), cells = 8, interactions = list(c(1, 2)), target = "interactions"),
  list(id = "4-level", levels = c(4), cells = 4, interactions = list(), target = "main_effects"),
  list(id = "4x2-int", levels = c(4, 2), cells = 8, interactions = list(c(0, 1)), target = "interactions"),
  list(id = "4x2-main", levels = c(4, 2), cells = 8, interactions = list(c(0, 1)), target = "main_effects"),
  # target "interactions" with none requested: every 2FI is in the model and tested.
  list(id = "3x2x2-all-2fi", levels = c(3, 2, 2), cells = 12, interactions = list(), target = "interactions")
)
for (d in fdesigns) {
  nm <- if (is.null(d$names)) LETTERS[seq_along(d$levels)] else d$names
  pairs <- d$interactions
  if (d$target == "interactions" && length(pairs) == 0) pairs <- combn(seq_along(d$levels) - 1, 2, simplify = FALSE)
  main_u <- d$levels - 1
  int_u <- vapply(pairs, function(ij) prod(d$levels[ij + 1] - 1), 0)
  p <- 1 + sum(main_u) + sum(int_u)
  terms <- c(nm, vapply(pairs, function(ij) term_label(nm, ij), ""))
  us <- c(main_u, int_u)
  tested <- if (d$target == "main_effects") seq_along(main_u) else length(main_u) + seq_along(int_u)
  tested_u <- paste(us[tested], collapse = ", ")
  lo <- num(max(d$cells, p + 1))
  input <- list(levels = I(d$levels), cells = d$cells, interactions = lapply(d$interactions, I), target = d$target)
  if (!is.null(d$names)) input$names <- I(d$names)
  for (a in c(0.05, 0.01)) {
    for (f in c(0.1, 0.25)) for (pw in c(0.8, 0.9)) {
      add(sprintf("factorial-%s-n-a%s-f%s-p%s", d$id, a, f, pw), "factorialPower",
          c(input, list(alpha = a, f = f, power = pw)), "total_n",
          sprintf("max(sapply(c(%s), function(u) uniroot(function(N) %s - %s, c(%s, 1e+07), tol = 1e-12)$root))",
                  tested_u, term_power("u", p, a, num(f), "N"), num(pw), lo))
    }
    for (N in c(48, 400)) for (f in c(0.1, 0.25)) {
      add(sprintf("factorial-%s-power-a%s-N%s-f%s", d$id, a, N, f), "factorialPower",
          c(input, list(alpha = a, f = f, total_n = N)), "power",
          sprintf("min(sapply(c(%s), function(u) %s))", tested_u, term_power("u", p, a, num(f), num(N))))
      # each model term's power at the same N (tested or not)
      for (t in seq_along(terms)) {
        add(sprintf("factorial-%s-term-%s-a%s-N%s-f%s", d$id, terms[t], a, N, f), "factorialPower",
            c(input, list(alpha = a, f = f, total_n = N, term = terms[t])), "term_power",
            term_power(us[t], p, a, num(f), num(N)))
      }
    }
    for (N in c(48, 400)) for (pw in c(0.8, 0.9)) {
      add(sprintf("factorial-%s-f-a%s-N%s-p%s", d$id, a, N, pw), "factorialPower",
          c(input, list(alpha = a, total_n = N, power = pw)), "f",
          sprintf("max(sapply(c(%s), function(u) uniroot(function(f) %s - %s, c(1e-04, 100), tol = 1e-12)$root))",
                  tested_u, term_power("u", p, a, "f", num(N)), num(pw)))
    }
  }
}
# One factor: the model holds one effect, so ncp = f^2 N = k n f^2 (pwr.anova.test) = f2 (u + v + 1)
# (pwr.f2.test) and the pwr functions themselves are references.
oneway <- list(levels = I(4), cells = 4, interactions = list(), target = "main_effects")
add("factorial-oneway-pwr.anova.test", "factorialPower", c(oneway, list(alpha = 0.05, f = 0.25, total_n = 80)), "power",
    "pwr.anova.test(k = 4, n = 20, f = 0.25, sig.level = 0.05)$power")
add("factorial-oneway-pwr.f2.test", "factorialPower", c(oneway, list(alpha = 0.01, f = 0.3, total_n = 60)), "power",
    "pwr.f2.test(u = 3, v = 56, f2 = 0.3^2, sig.level = 0.01)$power")

out <- list(
  source = sprintf("%s; pwr %s; generated by test/power/r-reference.R", R.version.string, packageVersion("pwr")),
  tolerance = list(n = "1e-6 relative", p2_delta_f = "1e-6 relative", power = "1e-8 absolute", total_n = "1e-6 relative", term_power = "1e-8 absolute"),
  cases = cases
)
writeLines(toJSON(out, auto_unbox = TRUE, digits = I(17), pretty = TRUE), "r-reference.json")
cat(length(cases), "cases\n")
