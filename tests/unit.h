/*
 * unit.h - the includes every cmocka test needs, in the order cmocka wants.
 */
#ifndef MADOGUCHI_TESTS_UNIT_H
#define MADOGUCHI_TESTS_UNIT_H
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#endif
