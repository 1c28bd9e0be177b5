# Generates r-reference-causal.json and fixtures/causal-ab.csv, fixtures/causal-did.csv (seeded
# synthetic data) for causal.test.ts and bootstrap.test.ts. Run from this folder:
#   Rscript r-reference-causal.R   (R >= 4.2 with sandwich, boot and jsonlite).
# Every case stores the R call that produced it; the values are committed, not R.
suppressMessages({ library(sandwich); library(boot); library(jsonlite) })
options(digits = 17)

# A/B test with a pre-period covariate x and 30 clusters (e.g. cities).
set.seed(20261125)
n <- 300
ab <- data.frame(cluster = sprintf("c%02d", rep(1:30, each = 10)))
ab$treatment <- rbinom(n, 1, 0.5)
ab$x <- round(rnorm(n, 10, 2), 4)
cl <- rnorm(30, 0, 0.5)[match(ab$cluster, sprintf("c%02d", 1:30))]
ab$y <- round(2 + 0.8 * ab$x + 0.5 * ab$treatment + cl + rnorm(n), 4)
write.csv(ab, "fixtures/causal-ab.csv", row.names = FALSE)
ab <- read.csv("fixtures/causal-ab.csv")

# Panel for difference-in-differences: 40 units (20 treated) x 6 periods (3 post).
did <- expand.grid(period = 1:6, unit = sprintf("u%02d", 1:40), stringsAsFactors = FALSE)
ui <- match(did$unit, sprintf("u%02d", 1:40))
did$treated <- as.integer(ui <= 20)
did$post <- as.integer(did$period >= 4)
ue <- rnorm(40, 0, 1.5)
did$y <- round(1 + 0.7 * did$treated + 0.4 * did$post + 1.2 * did$treated * did$post + ue[ui] + 0.3 * did$period + rnorm(nrow(did)), 4)
did <- did[, c("unit", "period", "treated", "post", "y")]
write.csv(did, "fixtures/causal-did.csv", row.names = FALSE)
did <- read.csv("fixtures/causal-did.csv")

out <- list()
tr <- ab$treatment == 1
# CUPED (Deng et al. 2013): theta = cov(y, x) / var(x) over all rows; y_cv = y - theta (x - mean(x));
# effect = difference of arm means of y_cv, SE = sqrt(var1/n1 + var0/n0) (Welch).
theta <- cov(ab$y, ab$x) / var(ab$x)
ycv <- ab$y - theta * (ab$x - mean(ab$x))
se_of <- function(v) sqrt(var(v[tr]) / sum(tr) + var(v[!tr]) / sum(!tr))
out$cuped <- list(
  call = "theta <- cov(y, x)/var(x); ycv <- y - theta*(x - mean(x)); mean(ycv[t==1]) - mean(ycv[t==0]); sqrt(var(ycv[t==1])/n1 + var(ycv[t==0])/n0); 1 - var(ycv)/var(y)",
  theta = theta,
  effect = mean(ycv[tr]) - mean(ycv[!tr]),
  std_error = se_of(ycv),
  unadjusted_effect = mean(ab$y[tr]) - mean(ab$y[!tr]),
  unadjusted_std_error = se_of(ab$y),
  variance_reduction = 1 - var(ycv) / var(ab$y),
  control_mean = mean(ab$y[!tr]), treatment_mean = mean(ab$y[tr])
)
# ANCOVA: lm(y ~ treatment + x); variance reduction vs lm(y ~ treatment).
fa <- lm(y ~ treatment + x, ab); f0 <- lm(y ~ treatment, ab)
sa <- coef(summary(fa)); s0 <- coef(summary(f0))
out$ancova <- list(
  call = "summary(lm(y ~ treatment + x, ab)); summary(lm(y ~ treatment, ab)); 1 - (se_adj/se_unadj)^2",
  effect = sa["treatment", 1], std_error = sa["treatment", 2], statistic = sa["treatment", 3], p_value = sa["treatment", 4],
  ci = unname(confint(fa)["treatment", ]),
  x_coef = sa["x", 1],
  unadjusted_std_error = s0["treatment", 2],
  variance_reduction = 1 - (sa["treatment", 2] / s0["treatment", 2])^2
)
# Difference-in-differences with CR1 cluster-robust SEs (sandwich::vcovCL type HC1 = Stata's
# cluster: G/(G-1) * (n-1)/(n-k)); t tests on G - 1 df (Stata's convention).
fd <- lm(y ~ treated * post, did)
V <- vcovCL(fd, cluster = ~unit, type = "HC1")
G <- length(unique(did$unit))
se <- sqrt(diag(V)); tt <- coef(fd) / se
crit <- qt(0.975, G - 1)
out$did <- list(
  call = "fd <- lm(y ~ treated * post, did); V <- sandwich::vcovCL(fd, cluster = ~unit, type = 'HC1'); t on G - 1 df",
  terms = names(coef(fd)), estimate = unname(coef(fd)), std_error = unname(se), statistic = unname(tt),
  p_value = unname(2 * pt(-abs(tt), G - 1)), ci_lower = unname(coef(fd) - crit * se), ci_upper = unname(coef(fd) + crit * se),
  vcov = unname(V), n_clusters = G
)
# Post-period-only comparison with the same clustering, the baseline of variance_reduction.
fp <- lm(y ~ treated, did[did$post == 1, ])
Vp <- vcovCL(fp, cluster = ~unit, type = "HC1")
out$did$post_only_std_error <- sqrt(Vp["treated", "treated"])
out$did$variance_reduction <- 1 - V["treated:post", "treated:post"] / Vp["treated", "treated"]
# Also the homoskedastic lm vcov, to check the sandwich differs from it.
out$did$lm_std_error <- unname(coef(summary(fd))[, 2])

# BCa (Efron 1987) on fixed replicates: statistic = ANCOVA treatment coefficient, case bootstrap.
stat <- function(d, i) coef(lm(y ~ treatment + x, d[i, ]))[["treatment"]]
set.seed(7)
b <- boot(ab, stat, R = 499)
ci <- boot.ci(b, conf = c(0.95, 0.9), type = c("bca", "perc"))
# boot.ci's bca uses empirical influence values by regression on the replicates unless L is given;
# we give it the jackknife influence values (empinf(type = "jack"): L_i = (n-1)(t0 - t_(i)),
# centred at the estimate) so the acceleration is the jackknife one, and export the leave-one-out
# estimates. Efron & Tibshirani (1993, eq. 14.15) centre at the jackknife mean instead; bca_mean_*
# is boot.ci given that L.
jack <- sapply(seq_len(nrow(ab)), function(i) stat(ab, seq_len(nrow(ab))[-i]))
L <- empinf(b, type = "jack")
ci <- boot.ci(b, conf = c(0.95, 0.9), type = c("bca", "perc"), L = L)
out$bca <- list(
  call = "b <- boot(ab, stat, R = 499) (set.seed(7)); boot.ci(b, conf = c(0.95, 0.9), type = c('bca','perc'), L = empinf(b, type = 'jack'))",
  theta_hat = b$t0, replicates = as.vector(b$t), jackknife = jack,
  bca_mean_95 = boot.ci(b, conf = 0.95, type = "bca", L = (nrow(ab) - 1) * (mean(jack) - jack))$bca[1, 4:5],
  bca_mean_call = "boot.ci(b, conf = 0.95, type = 'bca', L = (n - 1) * (mean(jack) - jack))",
  bca_95 = ci$bca[1, 4:5], bca_90 = ci$bca[2, 4:5], perc_95 = ci$percent[1, 4:5], perc_90 = ci$percent[2, 4:5]
)
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE), "r-reference-causal.json")
