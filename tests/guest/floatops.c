/*
 * floatops.c: IEEE 754 float/double semantics, rounding modes, exception
 * flags, conversions, formatting and parsing.
 *
 * Portability rules kept here (the same source must print the same text on
 * x86_64, riscv64 and aarch64):
 *  - NaN sign and payload are never printed for arithmetic results: x86
 *    produces a negative default NaN, RISC-V a positive canonical one. NaNs
 *    print as "nan"; only sign-bit operations (copysign, fabs, negation) and
 *    strtod results report the sign.
 *  - fmin/fmax of (-0, +0) may return either zero (C leaves it open; x86
 *    glibc returns the second operand, RISC-V and aarch64 return -0): only
 *    "zero" is printed for those.
 *  - No long double; no out-of-range float->int conversions (UB in C).
 *  - Built with -ffp-contract=off: riscv64 and aarch64 compilers would
 *    otherwise fuse a*b+c into fma and print other numbers than x86_64.
 *  - Built with -frounding-math: without it gcc assumes round-to-nearest
 *    and its x86_64 inline rint() (add/subtract 2^52 on |x|) rounds
 *    negative values the wrong way under FE_DOWNWARD/FE_UPWARD.
 *  - Underflow edge cases where tininess-before-rounding (aarch64) and
 *    tininess-after-rounding (x86, RISC-V) disagree are avoided.
 *  - Operands come through volatile, so the compiler emits the operations
 *    at run time, between feclearexcept() and fetestexcept().
 */
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

static double vd(double x) { volatile double t = x; return t; }
static float vf(float x) { volatile float t = x; return t; }

static void flagstr(char *buf, int f)
{
	buf[0] = 0;
	if (f & FE_INVALID) strcat(buf, " invalid");
	if (f & FE_DIVBYZERO) strcat(buf, " divbyzero");
	if (f & FE_OVERFLOW) strcat(buf, " overflow");
	if (f & FE_UNDERFLOW) strcat(buf, " underflow");
	if (f & FE_INEXACT) strcat(buf, " inexact");
	if (!buf[0]) strcat(buf, " none");
}

static void showd(const char *label, double r, int f)
{
	char fl[64];
	flagstr(fl, f);
	if (isnan(r))
		printf("%s = nan [%s ]\n", label, fl);
	else
		printf("%s = %a (%.17g) [%s ]\n", label, r, r, fl);
}

static void showf(const char *label, float r, int f)
{
	char fl[64];
	flagstr(fl, f);
	if (isnan(r))
		printf("%s = nan [%s ]\n", label, fl);
	else
		printf("%s = %a (%.9g) [%s ]\n", label, (double)r, (double)r, fl);
}

#define ALLX (FE_INVALID | FE_DIVBYZERO | FE_OVERFLOW | FE_UNDERFLOW | FE_INEXACT)

/* Evaluate expr with cleared flags, then print its value and the raised flags. */
#define TD(label, expr) do { \
	feclearexcept(FE_ALL_EXCEPT); \
	volatile double r_ = (expr); \
	int f_ = fetestexcept(ALLX); \
	showd(label, r_, f_); \
} while (0)
#define TF(label, expr) do { \
	feclearexcept(FE_ALL_EXCEPT); \
	volatile float r_ = (expr); \
	int f_ = fetestexcept(ALLX); \
	showf(label, r_, f_); \
} while (0)
#define TI(label, expr) do { \
	feclearexcept(FE_ALL_EXCEPT); \
	volatile long long r_ = (expr); \
	int f_ = fetestexcept(ALLX); \
	char fl_[64]; flagstr(fl_, f_); \
	printf("%s = %lld [%s ]\n", label, (long long)r_, fl_); \
} while (0)

/* Value only: C leaves "inexact" from floor/ceil/trunc/lround etc. open,
 * and gcc's x86_64 inline expansions raise it where glibc's do not. */
#define TV(label, expr) do { volatile double r_ = (expr); showv(label, r_); } while (0)
#define TVI(label, expr) printf("%s = %lld\n", label, (long long)(expr))

static void showv(const char *label, double r)
{
	if (isnan(r))
		printf("%s = nan\n", label);
	else
		printf("%s = %a (%.17g)\n", label, r, r);
}

static const double dvals[] = {
	1.0, 3.0, 0.1, -2.5, 1e308, 1e-308, DBL_MIN, 0x1p-1074, 0.0, -0.0,
	INFINITY, -INFINITY, NAN, 0x1p53, 0x1.0000000000001p0, 123456.789,
};
static const char *const dnames[] = {
	"1", "3", "0.1", "-2.5", "1e308", "1e-308", "DBL_MIN", "DBL_TRUE_MIN", "+0", "-0",
	"+inf", "-inf", "nan", "2^53", "1+ulp", "123456.789",
};
#define NDV ((int)(sizeof dvals / sizeof dvals[0]))

static void arith(void)
{
	char label[128];
	int i, j;

	printf("== double arithmetic\n");
	for (i = 0; i < NDV; i++)
		for (j = 0; j < NDV; j++) {
			double a = dvals[i], b = dvals[j];
			snprintf(label, sizeof label, "%s + %s", dnames[i], dnames[j]);
			TD(label, vd(a) + vd(b));
			snprintf(label, sizeof label, "%s - %s", dnames[i], dnames[j]);
			TD(label, vd(a) - vd(b));
			snprintf(label, sizeof label, "%s * %s", dnames[i], dnames[j]);
			TD(label, vd(a) * vd(b));
			snprintf(label, sizeof label, "%s / %s", dnames[i], dnames[j]);
			TD(label, vd(a) / vd(b));
		}
	for (i = 0; i < NDV; i++) {
		snprintf(label, sizeof label, "sqrt(%s)", dnames[i]);
		TD(label, sqrt(vd(dvals[i])));
		snprintf(label, sizeof label, "fma(%s, 3, 0.1)", dnames[i]);
		TD(label, fma(vd(dvals[i]), vd(3.0), vd(0.1)));
		snprintf(label, sizeof label, "(float)%s", dnames[i]);
		TF(label, (float)vd(dvals[i]));
	}

	printf("== float arithmetic\n");
	TF("1f/3f", vf(1.0f) / vf(3.0f));
	TF("0.1f+0.2f", vf(0.1f) + vf(0.2f));
	TF("0.1f*3f", vf(0.1f) * vf(3.0f));
	TF("16777216f+1f", vf(16777216.0f) + vf(1.0f));
	TF("sqrtf(2)", sqrtf(vf(2.0f)));
	TF("fmaf(0.1,10,-1)", fmaf(vf(0.1f), vf(10.0f), vf(-1.0f)));
	TF("FLT_MAX*2", vf(FLT_MAX) * vf(2.0f));
	TF("FLT_MIN/3", vf(FLT_MIN) / vf(3.0f));
	TF("FLT_TRUE_MIN/2", vf(0x1p-149f) / vf(2.0f));
	TF("FLT_TRUE_MIN*3", vf(0x1p-149f) * vf(3.0f));
	TF("1f/0f", vf(1.0f) / vf(0.0f));
	TF("0f/0f", vf(0.0f) / vf(0.0f));
	TF("(float)1e40", (float)vd(1e40));
	TF("(float)1e-50", (float)vd(1e-50));
	TF("(float)(1+2^-24)", (float)vd(1.0 + 0x1p-24));
	TF("(float)(1+3*2^-25)", (float)vd(1.0 + 3 * 0x1p-25));
	TD("(double)0.1f", (double)vf(0.1f));
}

static const int modes[] = { FE_TONEAREST, FE_DOWNWARD, FE_UPWARD, FE_TOWARDZERO };
static const char *const modenames[] = { "tonearest", "downward", "upward", "towardzero" };

static void rounding(void)
{
	static const double rv[] = { 0.5, 1.5, 2.5, -0.5, -1.5, 2.4, -2.6, 4503599627370495.5, -7.0 };
	char label[96];
	int m, i;

	for (m = 0; m < 4; m++) {
		if (fesetround(modes[m]) != 0)
			printf("fesetround(%s) failed\n", modenames[m]);
		printf("== rounding mode %s (fegetround ok: %s)\n", modenames[m],
		       fegetround() == modes[m] ? "yes" : "no");
		TD("1/3", vd(1.0) / vd(3.0));
		TD("-1/3", vd(-1.0) / vd(3.0));
		TD("2/3", vd(2.0) / vd(3.0));
		TD("0.1+0.2", vd(0.1) + vd(0.2));
		TD("1-1", vd(1.0) - vd(1.0));
		TD("0.1-0.1", vd(0.1) - vd(0.1));
		TD("-0 + 0", vd(-0.0) + vd(0.0));
		TD("1e308*10", vd(1e308) * vd(10.0));
		TD("-1e308*10", vd(-1e308) * vd(10.0));
		TD("DBL_MIN/3", vd(DBL_MIN) / vd(3.0));
		TD("-DBL_MIN/3", vd(-DBL_MIN) / vd(3.0));
		TD("TRUE_MIN/2", vd(0x1p-1074) / vd(2.0));
		TD("1+2^-53", vd(1.0) + vd(0x1p-53));
		TD("1+3*2^-54", vd(1.0) + vd(3 * 0x1p-54));
		TD("-1-2^-53", vd(-1.0) - vd(0x1p-53));
		TD("sqrt(2)", sqrt(vd(2.0)));
		TD("sqrt(3)", sqrt(vd(3.0)));
		TD("fma(0.1,10,-1)", fma(vd(0.1), vd(10.0), vd(-1.0)));
		TD("fma(1+ulp,1-ulp,-1)", fma(vd(0x1.0000000000001p0), vd(0x1.fffffffffffffp-1), vd(-1.0)));
		TD("(double)(2^53+1)", (double)(long long)vd(9007199254740993.0 - 1.0) + 0 * vd(0) +
		   (double)((long long)vd(0x1p53) + 1) - (double)(long long)vd(0x1p53));
		TD("(double)int64 2^53+1", (double)(volatile long long){ 9007199254740993LL });
		TD("(double)int64 -(2^53+1)", (double)(volatile long long){ -9007199254740993LL });
		TD("(double)uint64 max", (double)(volatile unsigned long long){ 0xffffffffffffffffULL });
		TD("(double)uint64 2^63+1", (double)(volatile unsigned long long){ 0x8000000000000001ULL });
		TF("(float)int32 16777217", (float)(volatile int){ 16777217 });
		TF("(float)uint32 0xffffffff", (float)(volatile unsigned){ 0xffffffffu });
		TF("(float)0.1", (float)vd(0.1));
		TF("(float)-0.1", (float)vd(-0.1));
		TF("1f/3f", vf(1.0f) / vf(3.0f));
		TF("FLT_MAX*2", vf(FLT_MAX) * vf(2.0f));
		TI("(int)2.7", (int)vd(2.7));
		TI("(int)-2.7", (int)vd(-2.7));
		TI("(long long)-1e15-0.5", (long long)vd(-1e15 - 0.5));
		for (i = 0; i < (int)(sizeof rv / sizeof rv[0]); i++) {
			snprintf(label, sizeof label, "rint(%.17g)", rv[i]);
			TD(label, rint(vd(rv[i])));
			snprintf(label, sizeof label, "nearbyint(%.17g)", rv[i]);
			TD(label, nearbyint(vd(rv[i])));
			snprintf(label, sizeof label, "lrint(%.17g)", rv[i]);
			TI(label, lrint(vd(rv[i])));
			snprintf(label, sizeof label, "llrint(%.17g)", rv[i]);
			TI(label, llrint(vd(rv[i])));
			snprintf(label, sizeof label, "rintf(%.9g)", (double)(float)rv[i]);
			TF(label, rintf(vf((float)rv[i])));
		}
	}
	fesetround(FE_TONEAREST);
}

static void exceptions(void)
{
	printf("== exception flags\n");
	TD("2*3", vd(2.0) * vd(3.0));
	TD("1/0", vd(1.0) / vd(0.0));
	TD("-1/0", vd(-1.0) / vd(0.0));
	TD("0/0", vd(0.0) / vd(0.0));
	TD("inf-inf", vd(INFINITY) - vd(INFINITY));
	TD("inf*0", vd(INFINITY) * vd(0.0));
	TD("sqrt(-1)", sqrt(vd(-1.0)));
	TD("sqrt(-0)", sqrt(vd(-0.0)));
	TD("DBL_MAX*2", vd(DBL_MAX) * vd(2.0));
	TD("DBL_MAX+DBL_MAX/2^60", vd(DBL_MAX) + vd(DBL_MAX) / vd(0x1p60));
	TD("DBL_MIN/3", vd(DBL_MIN) / vd(3.0));
	TD("DBL_MIN/2 (exact)", vd(DBL_MIN) / vd(2.0));
	TD("DBL_MIN*DBL_MIN", vd(DBL_MIN) * vd(DBL_MIN));
	TD("nan+1 (quiet)", vd(NAN) + vd(1.0));
	TI("nan==nan", vd(NAN) == vd(NAN));
	TI("nan!=1", vd(NAN) != vd(1.0));
	TI("isless(nan,1)", isless(vd(NAN), vd(1.0)));
	TI("isunordered(nan,1)", isunordered(vd(NAN), vd(1.0)));
	TI("1<2", vd(1.0) < vd(2.0));
	TI("nan<1 (signaling compare)", vd(NAN) < vd(1.0));
	TI("nan>=1 (signaling compare)", vd(NAN) >= vd(1.0));
	TI("(int)2.5", (int)vd(2.5));
	TI("(int)2.0", (int)vd(2.0));
	TI("(unsigned)-0.5", (unsigned)vd(-0.5));
	TI("(unsigned)4294967295.5", (unsigned)vd(4294967295.5));
	TI("(int)-2147483648.9", (int)vd(-2147483648.9));
	TI("(long long)9.2e18", (long long)vd(9.2e18));
	TI("(unsigned long long)1.8e19 >> 1", (long long)((unsigned long long)vd(1.8e19) >> 1));
	TD("(double)int64 max", (double)(volatile long long){ 0x7fffffffffffffffLL });
	TD("(double)int64 min", (double)(volatile long long){ (-0x7fffffffffffffffLL - 1) });
	TD("(double)int32 -1", (double)(volatile int){ -1 });
	TD("(double)uint32 max", (double)(volatile unsigned){ 0xffffffffu });

	printf("== fenv state\n");
	feclearexcept(FE_ALL_EXCEPT);
	feraiseexcept(FE_OVERFLOW | FE_INEXACT);
	printf("feraiseexcept(overflow|inexact): overflow=%s inexact=%s invalid=%s\n",
	       fetestexcept(FE_OVERFLOW) ? "yes" : "no", fetestexcept(FE_INEXACT) ? "yes" : "no",
	       fetestexcept(FE_INVALID) ? "yes" : "no");
	fenv_t env;
	fegetenv(&env);
	fesetround(FE_UPWARD);
	feclearexcept(FE_ALL_EXCEPT);
	fesetenv(&env);
	printf("fesetenv restores: round tonearest=%s overflow=%s\n",
	       fegetround() == FE_TONEAREST ? "yes" : "no", fetestexcept(FE_OVERFLOW) ? "yes" : "no");
	fexcept_t saved;
	fegetexceptflag(&saved, FE_OVERFLOW);
	feclearexcept(FE_ALL_EXCEPT);
	fesetexceptflag(&saved, FE_OVERFLOW);
	printf("fesetexceptflag: overflow=%s inexact=%s\n",
	       fetestexcept(FE_OVERFLOW) ? "yes" : "no", fetestexcept(FE_INEXACT) ? "yes" : "no");
	feclearexcept(FE_ALL_EXCEPT);
}

static const char *classname(double x)
{
	switch (fpclassify(x)) {
	case FP_NAN: return "nan";
	case FP_INFINITE: return "infinite";
	case FP_ZERO: return "zero";
	case FP_SUBNORMAL: return "subnormal";
	case FP_NORMAL: return "normal";
	}
	return "?";
}

static void minmax_class(void)
{
	int i;
	printf("== fmin/fmax\n");
	TD("fmin(1,2)", fmin(vd(1.0), vd(2.0)));
	TD("fmax(1,2)", fmax(vd(1.0), vd(2.0)));
	TD("fmin(-1,nan)", fmin(vd(-1.0), vd(NAN)));
	TD("fmin(nan,-1)", fmin(vd(NAN), vd(-1.0)));
	TD("fmax(nan,5)", fmax(vd(NAN), vd(5.0)));
	TD("fmax(5,nan)", fmax(vd(5.0), vd(NAN)));
	TD("fmin(nan,nan)", fmin(vd(NAN), vd(NAN)));
	TD("fmin(-inf,inf)", fmin(vd(-INFINITY), vd(INFINITY)));
	TD("fmax(-0,-1)", fmax(vd(-0.0), vd(-1.0)));
	TD("fmin(+0,1)", fmin(vd(0.0), vd(1.0)));
	TF("fminf(1,nan)", fminf(vf(1.0f), vf(NAN)));
	TF("fmaxf(-3,2)", fmaxf(vf(-3.0f), vf(2.0f)));
	printf("fmin(-0,+0) is zero: %s\n", fmin(vd(-0.0), vd(0.0)) == 0 ? "yes" : "no");
	printf("fmax(-0,+0) is zero: %s\n", fmax(vd(-0.0), vd(0.0)) == 0 ? "yes" : "no");

	printf("== classification\n");
	for (i = 0; i < NDV; i++) {
		double x = vd(dvals[i]);
		printf("%s: class=%s isnan=%d isinf=%d isfinite=%d isnormal=%d signbit=%d\n",
		       dnames[i], classname(x), !!isnan(x), !!isinf(x), !!isfinite(x),
		       !!isnormal(x), !!signbit(x));
	}
	printf("float 0x1p-149: class=%s\n", classname((double)vf(0x1p-149f)) );
	printf("isnormal(FLT_MIN)=%d isnormal(FLT_MIN/2)=%d\n", !!isnormal(vf(FLT_MIN)),
	       !!isnormal(vf(FLT_MIN) / vf(2.0f)));
	printf("signbit(-nan via copysign)=%d signbit(fabs(-nan))=%d signbit(-(nan))=%d\n",
	       !!signbit(copysign(vd(NAN), -1.0)), !!signbit(fabs(copysign(vd(NAN), -1.0))),
	       !!signbit(-copysign(vd(NAN), 1.0)));
	printf("signbit(-0.0)=%d signbit(0.0*-1)=%d signbit(-0.0+0.0)=%d\n", !!signbit(vd(-0.0)),
	       !!signbit(vd(0.0) * vd(-1.0)), !!signbit(vd(-0.0) + vd(0.0)));
}

static void libm(void)
{
	int e;
	double ip;
	printf("== libm exact functions\n");
	TV("floor(-2.5)", floor(vd(-2.5)));
	TV("ceil(-2.5)", ceil(vd(-2.5)));
	TV("trunc(-2.5)", trunc(vd(-2.5)));
	TV("round(-2.5)", round(vd(-2.5)));
	TV("round(0.49999999999999994)", round(vd(0.49999999999999994)));
	TVI("lround(2.5)", lround(vd(2.5)));
	TV("fmod(10,3)", fmod(vd(10.0), vd(3.0)));
	TV("fmod(-10,3)", fmod(vd(-10.0), vd(3.0)));
	TV("remainder(10,3)", remainder(vd(10.0), vd(3.0)));
	TV("remainder(11,2)", remainder(vd(11.0), vd(2.0)));
	TV("copysign(3,-0)", copysign(vd(3.0), vd(-0.0)));
	TV("nextafter(1,2)", nextafter(vd(1.0), vd(2.0)));
	TV("nextafter(0,-1)", nextafter(vd(0.0), vd(-1.0)));
	TV("ldexp(1,-1074)", ldexp(vd(1.0), -1074));
	TV("ldexp(1,1024)", ldexp(vd(1.0), 1024));
	TV("frexp(1000)", frexp(vd(1000.0), &e));
	printf("frexp exponent %d\n", e);
	TV("modf(-3.75)", modf(vd(-3.75), &ip));
	printf("modf integral %a\n", ip);
	TV("hypot(3,4)", hypot(vd(3.0), vd(4.0)));
	TV("fabs(-inf)", fabs(vd(-INFINITY)));
	TV("scalbn(3,-1075)", scalbn(vd(3.0), -1075));
	TVI("ilogb(0x1p-1074)", ilogb(vd(0x1p-1074)));

	/* glibc >= 2.28 exp/log/pow/sin/cos: same generic code on each arch */
	printf("== libm transcendental (round to nearest)\n");
	printf("exp(1) = %a\n", exp(vd(1.0)));
	printf("exp(-0.001) = %a\n", exp(vd(-0.001)));
	printf("log(10) = %a\n", log(vd(10.0)));
	printf("log(0.5) = %a\n", log(vd(0.5)));
	printf("pow(2,0.5) = %a\n", pow(vd(2.0), vd(0.5)));
	printf("pow(10,-3) = %a\n", pow(vd(10.0), vd(-3.0)));
	printf("sin(1) = %a\n", sin(vd(1.0)));
	printf("cos(1) = %a\n", cos(vd(1.0)));
	printf("sin(1e6) = %a\n", sin(vd(1e6)));
	printf("expf(1) = %a\n", (double)expf(vf(1.0f)));
	printf("logf(10) = %a\n", (double)logf(vf(10.0f)));
}

static void formatting(void)
{
	static const double pv[] = { 0.1, 1.0 / 3, 2.0 / 3, 1e22, 1e23, 5e-324, 1.7976931348623157e308,
				     123456789012345678.0, 0.5, 1.5, 2.5, -0.0, 1.0005, 9.995, 100 };
	static const char *const strs[] = {
		"0.1", "1e-400", "1e400", "-1e400", "2.2250738585072011e-308", "2.2250738585072014e-308",
		"4.9406564584124654e-324", "2.4703282292062327e-324", "2.4703282292062328e-324",
		"0x1.fffffffffffffp1023", "0x1p-1074", "inf", "-Infinity", "nan", "-nan",
		"1.00000000000000011102230246251565404236316680908203125",
		"1.00000000000000011102230246251565404236316680908203126",
		"  +12.5e+2xyz", "0x1.8p1", "1e", ".5", "-.5e-3", "179769313486231580793728971405301e276",
		"3.14159265358979323846264338327950288", "0", "-0", "junk",
	};
	int i;
	printf("== printf\n");
	for (i = 0; i < (int)(sizeof pv / sizeof pv[0]); i++) {
		double x = vd(pv[i]);
		printf("%%.17g=%.17g %%g=%g %%e=%e %%.3f=%.3f %%.0f=%.0f %%a=%a %%.3a=%.3a\n",
		       x, x, x, x, x, x, x);
	}
	printf("%%f DBL_MAX=%f\n", vd(DBL_MAX));
	printf("%%.60f 0.1=%.60f\n", vd(0.1));
	printf("%%10.4f|%%-10.2e|%%+g = %10.4f|%-10.2e|%+g\n", vd(3.14159), vd(-2.5e-5), vd(7.0));
	printf("inf: %f %e %g %a\n", vd(INFINITY), vd(-INFINITY), vd(INFINITY), vd(-INFINITY));

	printf("== strtod\n");
	for (i = 0; i < (int)(sizeof strs / sizeof strs[0]); i++) {
		char *end;
		errno = 0;
		double d = strtod(strs[i], &end);
		int err = errno;
		errno = 0;
		float f = strtof(strs[i], NULL);
		int ferr = errno;
		if (isnan(d))
			printf("strtod(\"%s\") = nan signbit=%d", strs[i], !!signbit(d));
		else
			printf("strtod(\"%s\") = %a", strs[i], d);
		printf(" consumed=%d erange=%d", (int)(end - strs[i]), err == ERANGE);
		if (isnan(f))
			printf(" strtof=nan erange=%d\n", ferr == ERANGE);
		else
			printf(" strtof=%a erange=%d\n", (double)f, ferr == ERANGE);
	}
}

static void subnormals(void)
{
	printf("== subnormals\n");
	TD("TRUE_MIN*2", vd(0x1p-1074) * vd(2.0));
	TD("TRUE_MIN+TRUE_MIN", vd(0x1p-1074) + vd(0x1p-1074));
	TD("DBL_MIN/1024", vd(DBL_MIN) / vd(1024.0));
	TD("DBL_MIN-TRUE_MIN", vd(DBL_MIN) - vd(0x1p-1074));
	TD("subnormal*2^1000", vd(0x1.8p-1060) * vd(0x1p1000));
	TD("sqrt(TRUE_MIN)", sqrt(vd(0x1p-1074)));
	TD("TRUE_MIN*0.5", vd(0x1p-1074) * vd(0.5));
	TD("TRUE_MIN*0.75", vd(0x1p-1074) * vd(0.75));
	TD("TRUE_MIN*1.5", vd(0x1p-1074) * vd(1.5));
	TD("0x1.3p-1070/7", vd(0x1.3p-1070) / vd(7.0));
	TD("1/TRUE_MIN", vd(1.0) / vd(0x1p-1074));
	TF("FLT_TRUE_MIN*0.5f", vf(0x1p-149f) * vf(0.5f));
	TF("FLT_MIN/8f", vf(FLT_MIN) / vf(8.0f));
	TF("(float)DBL_MIN", (float)vd(DBL_MIN));
	TD("(double)FLT_TRUE_MIN", (double)vf(0x1p-149f));
}

int main(void)
{
	arith();
	rounding();
	exceptions();
	minmax_class();
	libm();
	formatting();
	subnormals();
	return 0;
}
