// `amfgate-bench self-test`: the load generator checks its own parts before
// anyone trusts its numbers.
//
// The bench's verdicts rest on its HTTP parser, cookie jar, HTML scans, AMF
// writer and reader and latency histogram; a bug in any of them could pass a
// broken server or fail a good one. These checks run in well under a second
// (compare.sh runs them first): the histogram's bucket arithmetic and
// percentiles against exact values; responses parsed from a pipelined
// buffer split at every byte; malformed framing refused; the AMF request
// packets round-tripped through the reader and truncated at every byte;
// Set-Cookie attributes; the hidden-field and flashvars scans on pages shaped
// like conf/templates; rate mode's due times and saturation test, and one
// short paced run (about 0.3 s) against a deliberately slow loopback server,
// where latency must run from due times.
#pragma once

namespace amfgate::bench {

// Prints one line per failed check; returns the process exit code.
int RunSelfTest();

}  // namespace amfgate::bench
