// The value syntaxes `docker run` flags take, parsed as Docker's Go code
// parses them (docker/go-units, time.ParseDuration, strconv, big.Rat,
// moby/term, moby/sys/signal), with the same error words, so a script that
// matches Docker's messages matches hako's.
//
// Each parser returns only the inner error ("invalid size: 'x'"); the flag
// parser wraps it as pflag does ("invalid argument \"x\" for \"-m, --memory\"
// flag: invalid size: 'x'").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/duration.h"
#include "base/sizes.h"
#include "base/error.h"

namespace hako::engine {

// Go's time.Duration.String(): "1m30s", "500ms", "0s".
std::string format_go_duration(int64_t ns);

// strconv.ParseBool: 1 t T TRUE true True 0 f F FALSE false False.
Result<bool> parse_go_bool(std::string_view s);

// strconv.ParseInt(s, 10, 64), with Go's "strconv.ParseInt: parsing ..." errors.
Result<int64_t> parse_go_int(std::string_view s);

// opts.ParseCPUs: a decimal or a ratio ("1.5", "3/4") as nano-CPUs.
Result<int64_t> parse_nano_cpus(std::string_view s);

// moby/term ToBytes: "ctrl-p,ctrl-q" -> "\x10\x11"; single characters as
// themselves, "DEL" as 0x7f.
Result<std::string> parse_key_sequence(std::string_view keys);

// moby/sys/signal ParseSignal: "SIGTERM", "term", "15", "RTMIN+3".
Result<int> parse_signal_name(std::string_view s);

// Docker's container name rule: ^[a-zA-Z0-9][a-zA-Z0-9_.-]+$ after an
// optional leading "/". Returns the name without the slash.
Result<std::string> validate_container_name(std::string_view name);

// The CPUs this process may run on (Go's runtime.NumCPU).
int host_cpu_count();

// path.Clean.
std::string clean_path(std::string_view p);

}  // namespace hako::engine
