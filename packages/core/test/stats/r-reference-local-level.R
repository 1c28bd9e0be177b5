# Reference values for the local-level model (R 4.2, stats::StructTS). Run from this directory:
#   Rscript r-reference-local-level.R   -> r-reference-local-level.json, fixtures/nile.json
# Nile: datasets::Nile, annual flow of the river Nile at Aswan, 1871-1970 (10^8 m^3),
# Durbin & Koopman (2001); shipped with R.
library(jsonlite)
fit <- StructTS(Nile, type = "level")                 # variances by ML (optim L-BFGS-B)
sm <- tsSmooth(fit)                                   # KalmanSmooth(data, model0, nit = -1)
fc <- predict(fit, n.ahead = 10)                      # KalmanForecast(10, fit$model)
z <- qnorm(0.975)
out <- list(
  call = 'StructTS(Nile, type = "level")',
  coef = as.list(fit$coef),                           # level = sigma2_eta, epsilon = sigma2_eps
  loglik = fit$loglik,                                # -n * optim value - 0.5 * n * log(2 pi)
  filtered = as.numeric(fitted(fit)),                 # fitted(fit): filtered level a_{t|t}
  smoothed = as.numeric(sm),                          # tsSmooth(fit)
  forecast = list(call = "predict(fit, n.ahead = 10); lower/upper = pred -/+ qnorm(0.975) * se",
                  pred = as.numeric(fc$pred), se = as.numeric(fc$se),
                  lower = as.numeric(fc$pred - z * fc$se), upper = as.numeric(fc$pred + z * fc$se))
)
writeLines(toJSON(out, digits = I(15), auto_unbox = TRUE, pretty = TRUE), "r-reference-local-level.json")
writeLines(toJSON(list(source = "R 4.2 datasets::Nile (1871-1970), annual flow at Aswan, 10^8 m^3",
                       year = as.numeric(time(Nile)), flow = as.numeric(Nile)), digits = I(15), auto_unbox = TRUE),
           "fixtures/nile.json")
