// Structural equality of AMF value graphs, for tests, fuzzers and tools.
//
// Two values are equal when they have the same Type and Format, the same
// flags (integer vs double, long string, ECMA array and its count as sent,
// Vector fixed flag and type name, Dictionary weak keys, AMF0 Date time zone),
// bit-identical doubles (so NaN equals NaN of the same bits), the same bytes in
// strings and blobs, equal traits (class name, flags, sealed names in order)
// and pairwise equal members in order. Shared and cyclic graphs terminate:
// a pair of nodes already under comparison is assumed equal (bisimulation),
// which also keeps a reference bomb linear. Whether the two graphs share
// nodes in the same places is not compared (AMF0 dates, for one, cannot be
// shared on the wire); tests check identity with Value::node() directly.
//
// Costs: O(nodes + members) time, a hash set of node pairs (heap allocated:
// this is not a hot-path function).
#pragma once

#include <string>

#include "amf/value.h"

namespace amfgate::amf {

bool StructurallyEqual(const Value& a, const Value& b);

// Where two graphs first differ ("$[2].name: string \"a\" vs \"b\""), or ""
// when equal. For test failure messages.
std::string FirstDifference(const Value& a, const Value& b);

}  // namespace amfgate::amf
