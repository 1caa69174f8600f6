/*
 * fpmark.c: a double-precision workload for gemu's benchmarks: an n-body
 * simulation of five bodies (leapfrog integration) followed by a dense
 * matrix multiply. Built with -ffp-contract=off so every architecture
 * performs the same IEEE operations and prints the same digits; the energy
 * must be conserved to a tolerance, or the program exits with status 1.
 *
 * usage: fpmark [steps]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define NB 5
#define DEFAULT_STEPS 16000000
#define MM 96

struct body {
	double x[3], v[3], m;
};

static struct body bodies[NB];

static void init(void)
{
	/* a heavy central mass and four lighter ones on roughly circular orbits */
	static const double r[NB] = { 0, 5.2, 9.5, 19.2, 30.1 };
	static const double mass[NB] = { 39.47841760435743, 0.037693674870389, 0.011286326131968,
					 0.001723724872237, 0.002033686869924 };
	double px = 0, py = 0, pz = 0;
	int i;
	for (i = 0; i < NB; i++) {
		double ang = 0.7 * i;
		bodies[i].m = mass[i];
		bodies[i].x[0] = r[i] * cos(ang);
		bodies[i].x[1] = r[i] * sin(ang);
		bodies[i].x[2] = 0.01 * i;
		double speed = i ? sqrt(mass[0] / r[i]) : 0;
		bodies[i].v[0] = -speed * sin(ang);
		bodies[i].v[1] = speed * cos(ang);
		bodies[i].v[2] = 0.001 * i;
		px += bodies[i].v[0] * mass[i];
		py += bodies[i].v[1] * mass[i];
		pz += bodies[i].v[2] * mass[i];
	}
	bodies[0].v[0] = -px / mass[0];
	bodies[0].v[1] = -py / mass[0];
	bodies[0].v[2] = -pz / mass[0];
}

static double energy(void)
{
	double e = 0;
	int i, j;
	for (i = 0; i < NB; i++) {
		const struct body *b = &bodies[i];
		e += 0.5 * b->m * (b->v[0] * b->v[0] + b->v[1] * b->v[1] + b->v[2] * b->v[2]);
		for (j = i + 1; j < NB; j++) {
			double dx = b->x[0] - bodies[j].x[0];
			double dy = b->x[1] - bodies[j].x[1];
			double dz = b->x[2] - bodies[j].x[2];
			e -= b->m * bodies[j].m / sqrt(dx * dx + dy * dy + dz * dz);
		}
	}
	return e;
}

static void advance(double dt)
{
	int i, j, k;
	for (i = 0; i < NB; i++)
		for (j = i + 1; j < NB; j++) {
			double d[3], d2 = 0;
			for (k = 0; k < 3; k++) {
				d[k] = bodies[i].x[k] - bodies[j].x[k];
				d2 += d[k] * d[k];
			}
			double mag = dt / (d2 * sqrt(d2));
			for (k = 0; k < 3; k++) {
				bodies[i].v[k] -= d[k] * bodies[j].m * mag;
				bodies[j].v[k] += d[k] * bodies[i].m * mag;
			}
		}
	for (i = 0; i < NB; i++)
		for (k = 0; k < 3; k++)
			bodies[i].x[k] += dt * bodies[i].v[k];
}

static double A[MM][MM], B[MM][MM], C[MM][MM];

static double matmul(void)
{
	int i, j, k;
	double tr = 0;
	for (i = 0; i < MM; i++)
		for (j = 0; j < MM; j++) {
			A[i][j] = 1.0 / (i + j + 1);
			B[i][j] = (i == j) ? 2.0 : 0.5 / (1 + abs(i - j));
		}
	for (i = 0; i < MM; i++)
		for (j = 0; j < MM; j++) {
			double s = 0;
			for (k = 0; k < MM; k++)
				s += A[i][k] * B[k][j];
			C[i][j] = s;
		}
	for (i = 0; i < MM; i++)
		tr += C[i][i];
	return tr;
}

int main(int argc, char **argv)
{
	long steps = argc > 1 ? atol(argv[1]) : DEFAULT_STEPS;
	long i;
	double tr = 0;

	init();
	double e0 = energy();
	for (i = 0; i < steps; i++)
		advance(0.001);
	double e1 = energy();
	for (i = 0; i < 20; i++)
		tr += matmul();
	printf("fpmark: steps %ld energy %.12f -> %.12f trace %.12f\n", steps, e0, e1, tr);
	if (fabs((e1 - e0) / e0) > 1e-4) {
		printf("fpmark: energy drifted\n");
		return 1;
	}
	return 0;
}
