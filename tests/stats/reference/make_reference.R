## Reference values from R's `survey` package (T. Lumley) for innomon's tests.
## Run from this folder:  Rscript make_reference.R
## Writes: apistrat.csv, apiclus1.csv, apiclus2.csv, apipop_margins.csv,
##         reference.json
options(digits = 17)
suppressPackageStartupMessages({
  library(survey)
  library(jsonlite)
})
data(api)

## ---------------------------------------------------------------- data CSVs
## write.csv would print doubles (pw, avg.ed, ...) with 15 significant digits;
## format them with %.17g so the CSV holds R's exact values.
write_exact <- function(df, file) {
  txt <- vapply(df, function(x) is.character(x) || is.factor(x), logical(1))
  for (v in names(df)[vapply(df, is.double, logical(1))])
    df[[v]] <- ifelse(is.na(df[[v]]), NA, sprintf("%.17g", df[[v]]))
  write.csv(df, file, row.names = FALSE, na = "", quote = which(txt))
}
write_exact(apistrat, "apistrat.csv")
write_exact(apiclus1, "apiclus1.csv")
write_exact(apiclus2, "apiclus2.csv")

tab_stype   <- table(apipop$stype)
tab_schwide <- table(apipop$sch.wide)
margins <- data.frame(
  variable = c(rep("stype", length(tab_stype)),
               rep("sch.wide", length(tab_schwide)), "N", "api99"),
  level    = c(names(tab_stype), names(tab_schwide), "", ""),
  total    = c(as.vector(tab_stype), as.vector(tab_schwide),
               nrow(apipop), sum(apipop$api99)),
  stringsAsFactors = FALSE)
write.csv(margins, "apipop_margins.csv", row.names = FALSE, na = "")

## population tables computed from apipop (never typed in)
pop_stype   <- data.frame(stype = names(tab_stype), Freq = as.vector(tab_stype))
pop_schwide <- data.frame(sch.wide = names(tab_schwide),
                          Freq = as.vector(tab_schwide))
pop_linear  <- c("(Intercept)" = nrow(apipop),
                 stypeH = as.vector(tab_stype["H"]),
                 stypeM = as.vector(tab_stype["M"]),
                 api99  = sum(apipop$api99))

## ---------------------------------------------------------------- helpers
cases  <- list()
notes  <- character()
design_defs <- list()

num <- function(x) I(unname(as.numeric(x)))

## turn a result object into names/estimate/se/(ci)/(by) fields
extract <- function(res) {
  if (inherits(res, "svyby")) {
    ns <- attr(res, "svyby")$nstats
    nb <- ncol(res) - 2 * ns
    est <- as.matrix(res[, nb + seq_len(ns), drop = FALSE])
    se  <- as.matrix(res[, nb + ns + seq_len(ns), drop = FALSE])
    dimnames(est) <- NULL; dimnames(se) <- NULL
    byv <- as.data.frame(lapply(res[, seq_len(nb), drop = FALSE], as.character),
                         stringsAsFactors = FALSE)
    bylist <- lapply(seq_len(nrow(byv)), function(i) I(unname(unlist(byv[i, ]))))
    return(list(kind = "svyby", statistic = attr(res, "svyby")$statistic,
                by_vars = I(names(res)[seq_len(nb)]), by = bylist,
                names = I(attr(res, "svyby")$variables),
                estimate = est, se = se))
  }
  if (inherits(res, "newsvyquantile")) {
    q <- res[[1]]
    return(list(kind = "svyquantile", names = I(names(coef(res))),
                probs = num(rownames(q)),
                estimate = num(q[, "quantile"]),
                se = num(q[, "se"]),
                ci_low = num(q[, 2]), ci_high = num(q[, 3])))
  }
  if (inherits(res, "svyciprop")) {
    ci <- attr(res, "ci")
    return(list(kind = "svyciprop", names = I(names(res)),
                estimate = num(res), se = num(SE(res)),
                ci_low = num(ci[1]), ci_high = num(ci[2])))
  }
  if (inherits(res, "svyratio")) {
    return(list(kind = "svyratio",
                names = I(paste(rownames(res$ratio), colnames(res$ratio), sep = "/")),
                estimate = num(res$ratio), se = num(sqrt(diag(as.matrix(res$var))))))
  }
  if (inherits(res, c("svystat", "svrepstat"))) {
    kind <- attr(res, "statistic")
    if (is.null(kind)) kind <- "svystat"
    return(list(kind = kind, names = I(names(res)),
                estimate = num(coef(res)), se = num(SE(res))))
  }
  if (is.numeric(res) && length(res) == 1) {
    return(list(kind = "degf", names = I("degf"), estimate = num(res), se = I(numeric(0))))
  }
  stop("don't know how to extract class ", paste(class(res), collapse = "/"))
}

## evaluate the exact R expression `r`, record it
run_case <- function(id, design, r, extra = list(), opts = NULL) {
  if (!is.null(opts)) { old <- options(opts); on.exit(options(old), add = TRUE) }
  warns <- character()
  res <- withCallingHandlers(eval(parse(text = r), envir = globalenv()),
                             warning = function(w) {
                               warns <<- c(warns, conditionMessage(w))
                               invokeRestart("muffleWarning")
                             })
  out <- c(list(id = id, design = design, r = r), extract(res), extra)
  if (!is.null(opts)) out$options <- opts
  if (length(warns)) out$warnings <- I(warns)
  cases[[length(cases) + 1]] <<- out
  invisible(res)
}

## record an error instead of a value
error_case <- function(id, design, r, opts = NULL) {
  if (!is.null(opts)) { old <- options(opts); on.exit(options(old), add = TRUE) }
  msg <- tryCatch({ eval(parse(text = r), envir = globalenv()); NA_character_ },
                  error = function(e) conditionMessage(e))
  out <- list(id = id, design = design, r = r, kind = "error",
              names = I(character(0)), estimate = I(numeric(0)), se = I(numeric(0)),
              error = msg)
  if (!is.null(opts)) out$options <- opts
  cases[[length(cases) + 1]] <<- out
}

## design-info case (weights, replicate info)
design_case <- function(id, design, r, obj, rep = FALSE, extra = list()) {
  out <- list(id = id, design = design, r = r, kind = "design",
              names = I(character(0)), estimate = I(numeric(0)), se = I(numeric(0)),
              weights = num(weights(obj)), degf = degf(obj))
  if (rep) {
    out$weights <- num(weights(obj, "sampling"))
    out$type <- obj$type
    out$scale <- obj$scale
    out$rscales <- num(obj$rscales)
    out$mse <- obj$mse
    out$n_replicates <- ncol(weights(obj, "analysis"))
    rw <- weights(obj, "analysis"); dimnames(rw) <- NULL
    out$repweights <- rw
  }
  cases[[length(cases) + 1]] <<- c(out, extra)
}

def_design <- function(name, r) {
  assign(name, eval(parse(text = r), envir = globalenv()), envir = globalenv())
  design_defs[[name]] <<- r
}

## ---------------------------------------------------------------- designs
def_design("dstrat", "svydesign(id=~1, strata=~stype, weights=~pw, data=apistrat, fpc=~fpc)")
def_design("dclus1", "svydesign(id=~dnum, weights=~pw, data=apiclus1, fpc=~fpc)")
def_design("dclus2", "svydesign(id=~dnum+snum, fpc=~fpc1+fpc2, data=apiclus2)")
def_design("dclus2_nofpc", "svydesign(id=~dnum+snum, weights=~pw, data=apiclus2)")
def_design("dclus1_nofpc", "svydesign(id=~dnum, weights=~pw, data=apiclus1)")

dataset_of <- c(dstrat = "apistrat", dclus1 = "apiclus1", dclus2 = "apiclus2",
                dclus2_nofpc = "apiclus2", dclus1_nofpc = "apiclus1")
## column with NAs used for <d>.mean_na (avg.ed only has NAs in apiclus1)
na_col <- c(dstrat = "acs.46", dclus1 = "avg.ed", dclus2 = "acs.46",
            dclus2_nofpc = "acs.46")

## ---------------------------------------------------------------- linearisation cases
for (d in c("dstrat", "dclus1", "dclus2", "dclus2_nofpc")) {
  dat <- get(dataset_of[[d]])
  enr_na <- anyNA(dat$enroll)          # apiclus2$enroll has 6 NAs
  nar <- if (enr_na) ", na.rm=TRUE" else ""
  n_cc <- function(vars) sum(complete.cases(dat[, vars, drop = FALSE]))

  design_case(d, d, design_defs[[d]], get(d),
              extra = list(data = dataset_of[[d]]))
  run_case(paste0(d, ".mean"), d,
           sprintf("svymean(~api00+api99+enroll, %s%s)", d, nar),
           extra = list(n = n_cc(c("api00", "api99", "enroll"))))
  run_case(paste0(d, ".mean_api"), d, sprintf("svymean(~api00+api99, %s)", d),
           extra = list(n = n_cc(c("api00", "api99"))))
  run_case(paste0(d, ".mean_na"), d,
           sprintf("svymean(~%s, %s, na.rm=TRUE)", na_col[[d]], d),
           extra = list(n = n_cc(na_col[[d]])))
  run_case(paste0(d, ".total"), d,
           sprintf("svytotal(~enroll+api.stu, %s%s)", d, nar),
           extra = list(n = n_cc(c("enroll", "api.stu"))))
  run_case(paste0(d, ".total_stype"), d, sprintf("svytotal(~stype, %s)", d))
  run_case(paste0(d, ".ratio"), d,
           sprintf("svyratio(~api.stu, ~enroll, %s%s)", d, nar),
           extra = list(n = n_cc(c("enroll", "api.stu"))))
  run_case(paste0(d, ".prop"), d, sprintf("svymean(~stype, %s)", d))
  run_case(paste0(d, ".prop_schwide"), d, sprintf("svymean(~sch.wide, %s)", d))
  run_case(paste0(d, ".ciprop"), d,
           sprintf("svyciprop(~I(sch.wide==\"Yes\"), %s, method=\"logit\")", d),
           extra = list(df = degf(get(d)), level = 0.95))
  run_case(paste0(d, ".by_mean"), d,
           sprintf("svyby(~api00+enroll, ~stype, %s, svymean%s)", d, nar))
  run_case(paste0(d, ".by2_mean"), d,
           sprintf("svyby(~api00, ~stype+sch.wide, %s, svymean)", d))
  run_case(paste0(d, ".by_total"), d,
           sprintf("svyby(~enroll, ~stype, %s, svytotal%s)", d, nar))
  run_case(paste0(d, ".by_ratio"), d,
           sprintf("svyby(~api.stu, ~stype, %s, svyratio, denominator=~enroll%s)", d, nar))
  run_case(paste0(d, ".by_prop"), d,
           sprintf("svyby(~sch.wide, ~stype, %s, svymean)", d))
  run_case(paste0(d, ".quantile"), d,
           sprintf("svyquantile(~api00, %s, c(0.25, 0.5, 0.75), ci=TRUE, qrule=\"math\", interval.type=\"mean\", alpha=0.05)", d),
           extra = list(df = degf(get(d)), qrule = "math", interval.type = "mean",
                        note = "qrule='math' and interval.type='mean' (Woodruff) are the defaults of svyquantile.survey.design in survey 4.x; se = (ci_high-ci_low)/(2*qt(0.975, df))"))
  run_case(paste0(d, ".degf"), d, sprintf("degf(%s)", d))
}

## ---------------------------------------------------------------- replicate designs
rep_cases <- function(prefix, rname, dname, with_prop = TRUE) {
  dat <- get(dataset_of[[dname]])
  nar <- if (anyNA(dat$enroll)) ", na.rm=TRUE" else ""
  run_case(paste0(prefix, ".mean"), prefix,
           sprintf("svymean(~api00+enroll, %s%s)", rname, nar))
  run_case(paste0(prefix, ".total"), prefix,
           sprintf("svytotal(~enroll, %s%s)", rname, nar))
  run_case(paste0(prefix, ".ratio"), prefix,
           sprintf("svyratio(~api.stu, ~enroll, %s%s)", rname, nar))
  if (with_prop)
    run_case(paste0(prefix, ".prop"), prefix, sprintf("svymean(~stype, %s)", rname))
  run_case(paste0(prefix, ".by_mean"), prefix,
           sprintf("svyby(~api00, ~stype, %s, svymean)", rname))
}

def_design("dclus1_jk1", "as.svrepdesign(dclus1, type=\"JK1\")")
design_case("dclus1.jk1.design", "dclus1.jk1", design_defs[["dclus1_jk1"]], dclus1_jk1, rep = TRUE,
            extra = list(note = "JK1 with fpc: scale = (n-1)/n * (1 - n/N) with n = 15 PSUs, N = fpc = 757; rscales = 1"))
rep_cases("dclus1.jk1", "dclus1_jk1", "dclus1")

def_design("dstrat_jkn", "as.svrepdesign(dstrat, type=\"JKn\")")
design_case("dstrat.jkn.design", "dstrat.jkn", design_defs[["dstrat_jkn"]], dstrat_jkn, rep = TRUE,
            extra = list(note = "JKn with fpc: rscales for a replicate in stratum h are (1-n_h/N_h)*(n_h-1)/n_h, scale = 1; repweights are analysis weights pw*n_h/(n_h-1) inside stratum h, 0 for the dropped unit"))
rep_cases("dstrat.jkn", "dstrat_jkn", "dstrat")

def_design("dclus1_nofpc_jk1", "as.svrepdesign(dclus1_nofpc, type=\"JK1\")")
design_case("dclus1_nofpc.jk1.design", "dclus1_nofpc.jk1", design_defs[["dclus1_nofpc_jk1"]],
            dclus1_nofpc_jk1, rep = TRUE)
rep_cases("dclus1_nofpc.jk1", "dclus1_nofpc_jk1", "dclus1_nofpc", with_prop = FALSE)

def_design("dclus2_nofpc_jk1", "as.svrepdesign(dclus2_nofpc, type=\"JK1\")")
design_case("dclus2_nofpc.jk1.design", "dclus2_nofpc.jk1", design_defs[["dclus2_nofpc_jk1"]],
            dclus2_nofpc_jk1, rep = TRUE,
            extra = list(note = "JK1 on the first-stage PSUs (dnum) only"))
rep_cases("dclus2_nofpc.jk1", "dclus2_nofpc_jk1", "dclus2_nofpc", with_prop = FALSE)

## Fay with supplied replicate factors (JKn analysis weights / pw)
fay_factors <- weights(dstrat_jkn, "analysis") / apistrat$pw
fay_r <- "svrepdesign(data=apistrat, repweights=fay_factors, weights=~pw, type=\"Fay\", rho=0.3, combined.weights=FALSE)"
fay_ok <- tryCatch({ def_design("dstrat_fay", fay_r); TRUE },
                   error = function(e) { notes <<- c(notes, paste("Fay design refused by R:", conditionMessage(e))); FALSE })
if (fay_ok) {
  design_defs[["dstrat_fay"]] <- paste0("fay_factors <- weights(dstrat_jkn, \"analysis\") / apistrat$pw; ", fay_r)
  fc <- list(id = "dstrat.fay.design", design = "dstrat.fay", r = design_defs[["dstrat_fay"]],
             kind = "design", names = I(character(0)), estimate = I(numeric(0)), se = I(numeric(0)),
             weights = num(weights(dstrat_fay, "sampling")), degf = degf(dstrat_fay),
             type = dstrat_fay$type, rho = dstrat_fay$rho, scale = dstrat_fay$scale,
             rscales = num(dstrat_fay$rscales), mse = dstrat_fay$mse,
             n_replicates = ncol(fay_factors),
             note = "repweights not stored (size): the replicate analysis weights equal those of dstrat.jkn.design (factors = JKn repweights / pw, multiplied back by pw since combined.weights=FALSE); rho only changes scale = 1/(R*(1-rho)^2); rscales = 1")
  cases[[length(cases) + 1]] <- fc
  rep_cases("dstrat.fay", "dstrat_fay", "dstrat")
}
notes <- c(notes, "BRR skipped: apiclus1/apistrat do not have exactly 2 PSUs per stratum.")

## ---------------------------------------------------------------- lonely PSU
lonely <- apistrat
lonely$s2 <- as.character(lonely$stype)
lonely$s2[1] <- "X"
def_design("dlonely", "svydesign(id=~1, strata=~s2, weights=~pw, data=lonely)")
design_defs[["dlonely"]] <- paste("lonely <- apistrat; lonely$s2 <- as.character(lonely$stype); lonely$s2[1] <- \"X\";",
                                  design_defs[["dlonely"]])
design_case("lonely", "lonely", design_defs[["dlonely"]], dlonely,
            extra = list(data = "apistrat", strata = I(lonely$s2),
                         note = "strata column s2 = stype except row 1 (which is in stratum 'X' alone); no fpc"))
for (opt in c("remove", "certainty", "adjust", "average")) {
  o <- list(survey.lonely.psu = opt)
  run_case(sprintf("lonely.%s.mean", opt), "lonely", "svymean(~api00+enroll, dlonely)", opts = o)
  run_case(sprintf("lonely.%s.by_mean", opt), "lonely", "svyby(~api00, ~sch.wide, dlonely, svymean)", opts = o)
}
error_case("lonely.fail", "lonely", "svymean(~api00+enroll, dlonely)",
           opts = list(survey.lonely.psu = "fail"))

## ---------------------------------------------------------------- calibration
cal_cases <- function(prefix, dname) {
  run_case(paste0(prefix, ".mean"), prefix, sprintf("svymean(~api00+enroll, %s)", dname))
  run_case(paste0(prefix, ".total"), prefix, sprintf("svytotal(~enroll, %s)", dname))
  run_case(paste0(prefix, ".prop"), prefix, sprintf("svymean(~sch.wide, %s)", dname))
  run_case(paste0(prefix, ".by_mean"), prefix, sprintf("svyby(~api00, ~sch.wide, %s, svymean)", dname))
  run_case(paste0(prefix, ".ratio"), prefix, sprintf("svyratio(~api.stu, ~enroll, %s)", dname))
}
pop_note <- list(pop_stype = list(stype = I(pop_stype$stype), Freq = I(pop_stype$Freq)),
                 pop_schwide = list(sch.wide = I(pop_schwide$sch.wide), Freq = I(pop_schwide$Freq)),
                 pop_linear = list(names = I(names(pop_linear)), totals = num(pop_linear)))

def_design("ps", "postStratify(dclus1, ~stype, pop_stype)")
design_case("dclus1.poststrat", "dclus1.poststrat", design_defs[["ps"]], ps,
            extra = list(population = pop_note["pop_stype"]))
cal_cases("dclus1.poststrat", "ps")

def_design("rk", "rake(dclus1, list(~stype, ~sch.wide), list(pop_stype, pop_schwide))")
## number of full raking sweeps R performed with the default control
rake_sweeps <- NA
for (k in 1:10) {
  rk_k <- suppressWarnings(rake(dclus1, list(~stype, ~sch.wide), list(pop_stype, pop_schwide),
                                control = list(maxit = k, epsilon = 1, verbose = FALSE)))
  if (identical(weights(rk_k), weights(rk))) { rake_sweeps <- k; break }
}
design_case("dclus1.rake", "dclus1.rake", design_defs[["rk"]], rk,
            extra = list(population = pop_note[c("pop_stype", "pop_schwide")],
                         control = list(maxit = 10, epsilon = 1),
                         sweeps = rake_sweeps,
                         note = paste("rake() default control: each sweep post-stratifies on stype then sch.wide;",
                                      "stops when max |change| of the svytable(~stype+sch.wide) cell totals between",
                                      "consecutive sweeps < epsilon (=1, absolute since epsilon>=1). 'sweeps' =",
                                      "number of sweeps R ran. So weights are NOT fully converged (see dclus1.rake_converged).")))
cal_cases("dclus1.rake", "rk")

def_design("rkc", "rake(dclus1, list(~stype, ~sch.wide), list(pop_stype, pop_schwide), control=list(maxit=1000, epsilon=1e-13, verbose=FALSE))")
design_case("dclus1.rake_converged", "dclus1.rake_converged", design_defs[["rkc"]], rkc,
            extra = list(population = pop_note[c("pop_stype", "pop_schwide")],
                         note = "epsilon<1 is relative: stop when max cell change < 1e-13*sum(weights)"))
cal_cases("dclus1.rake_converged", "rkc")

def_design("cl", "calibrate(dclus1, ~stype+api99, pop_linear)")
design_case("dclus1.linear", "dclus1.linear", design_defs[["cl"]], cl,
            extra = list(population = pop_note["pop_linear"], calfun = "linear"))
cal_cases("dclus1.linear", "cl")

## bounded linear calibration: bounds=c(0.7,1.3) is infeasible for these data
## (unbounded g-weights range 0.42..1.83); R stops with "Calibration failed".
## Recorded as an error case, plus a feasible bounds=c(0.5,2) variant.
bounded_case <- function(id, dname, r) {
  bw <- character()
  ok <- tryCatch(withCallingHandlers({ def_design(dname, r); TRUE },
      warning = function(w) { bw <<- c(bw, conditionMessage(w)); invokeRestart("muffleWarning") }),
    error = function(e) {
      out <- list(id = id, design = id, r = r, kind = "error",
                  names = I(character(0)), estimate = I(numeric(0)), se = I(numeric(0)),
                  error = conditionMessage(e))
      if (length(bw)) out$warnings <- I(bw)
      cases[[length(cases) + 1]] <<- out
      notes <<- c(notes, sprintf("%s: R refused (%s; warnings: %s)", id, conditionMessage(e),
                                 paste(bw, collapse = " | ")))
      FALSE })
  if (ok) {
    obj <- get(dname)
    ex <- list(population = pop_note["pop_linear"], calfun = "linear",
               control = list(maxit = 50, epsilon = 1e-7),
               g_range = num(range(weights(obj) / weights(dclus1))))
    if (length(bw)) ex$warnings <- I(bw)
    design_case(id, id, r, obj, extra = ex)
    run_case(paste0(id, ".mean"), id, sprintf("svymean(~api00+enroll, %s)", dname))
  }
  ok
}
invisible(bounded_case("dclus1.linear_bounded", "clb",
             "calibrate(dclus1, ~stype+api99, pop_linear, bounds=c(0.7, 1.3))"))
invisible(bounded_case("dclus1.linear_bounded_05_2", "clb2",
             "calibrate(dclus1, ~stype+api99, pop_linear, bounds=c(0.5, 2))"))

def_design("ps_jk1", "postStratify(as.svrepdesign(dclus1, type=\"JK1\"), ~stype, pop_stype)")
design_case("dclus1.poststrat.jk1.design", "dclus1.poststrat.jk1", design_defs[["ps_jk1"]], ps_jk1,
            rep = TRUE, extra = list(population = pop_note["pop_stype"],
                                     note = "each replicate is post-stratified separately; repweights are the post-stratified replicate analysis weights"))
run_case("dclus1.poststrat.jk1.mean", "dclus1.poststrat.jk1", "svymean(~api00+enroll, ps_jk1)")
run_case("dclus1.poststrat.jk1.total", "dclus1.poststrat.jk1", "svytotal(~enroll, ps_jk1)")

## ---------------------------------------------------------------- meta + write
optnames <- c("survey.lonely.psu", "survey.ultimate.cluster", "survey.adjust.domain.lonely",
              "survey.replicates.mse", "survey.drop.replicates", "survey.use_rcpp")
opts <- lapply(optnames, function(o) { v <- getOption(o); if (is.null(v)) NA else v })
names(opts) <- optnames
if (is.null(getOption("survey.use_rcpp")))
  notes <- c(notes, sprintf("option survey.use_rcpp does not exist in survey %s (recorded as null)",
                            as.character(packageVersion("survey"))))

meta <- list(
  r_version = R.version.string,
  survey_version = as.character(packageVersion("survey")),
  jsonlite_version = as.character(packageVersion("jsonlite")),
  date = format(Sys.time(), "%Y-%m-%d %H:%M:%S %Z"),
  options = opts,
  designs = design_defs,
  data = list(apistrat = nrow(apistrat), apiclus1 = nrow(apiclus1),
              apiclus2 = nrow(apiclus2), apipop = nrow(apipop)),
  layout = paste("estimate/se are flat arrays aligned with names; for kind='svyby' they are",
                 "matrices (list of rows), one row per entry of 'by' (values of by_vars),",
                 "columns aligned with names. repweights: one row per data row, one column per replicate.",
                 "Weights are in data row order. na.rm=TRUE in survey is domain estimation",
                 "(the design is subset, not the data: dropped rows still count for strata/PSUs)."),
  notes = I(notes))

## jsonlite's digits=NA prints only 15 significant digits (not round-trip exact),
## so every double is written verbatim with sprintf("%.17g"), which round-trips.
fmt17 <- function(x) {
  if (any(is.infinite(x))) stop("Inf in output")
  ifelse(is.na(x), "null", sprintf("%.17g", x))
}
verbatim <- function(o) {
  if (is.data.frame(o)) stop("data.frame in output")
  if (is.list(o)) {
    nm <- names(o); o <- lapply(o, verbatim); names(o) <- nm; return(o)
  }
  if (is.double(o)) {
    if (is.matrix(o)) {
      rows <- apply(o, 1, function(r) paste0("[", paste(fmt17(r), collapse = ","), "]"))
      if (nrow(o) == 0) rows <- character(0)
      return(structure(paste0("[", paste(rows, collapse = ","), "]"), class = "json"))
    }
    if (inherits(o, "AsIs") || length(o) != 1)
      return(structure(paste0("[", paste(fmt17(unclass(o)), collapse = ","), "]"), class = "json"))
    return(structure(fmt17(o), class = "json"))
  }
  o
}
out <- list(meta = meta, cases = cases)
json <- toJSON(verbatim(out), auto_unbox = TRUE, json_verbatim = TRUE,
               na = "null", null = "null", pretty = FALSE)
writeLines(json, "reference.json")

## self-check: every stored estimate/se/weight reads back bit-identical
back <- fromJSON("reference.json", simplifyVector = FALSE)
stopifnot(length(back$cases) == length(cases))
for (i in seq_along(cases)) for (f in c("estimate", "se", "weights", "repweights", "ci_low", "ci_high")) {
  a <- cases[[i]][[f]]; if (is.null(a)) next
  b <- unlist(back$cases[[i]][[f]])
  a <- if (is.matrix(a)) as.vector(t(a)) else as.vector(a)
  if (length(a) == 0) next
  if (!identical(as.numeric(a), as.numeric(b)))
    stop("round-trip mismatch in ", cases[[i]]$id, "$", f)
}
cat(sprintf("wrote %d cases, %.0f kB; round-trip check OK\n", length(cases),
            file.size("reference.json") / 1024))
