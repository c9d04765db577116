#include "busy_wait_budget.h"

#include <sched.h>
#include <stdlib.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace rxteec {

namespace {

// The first line of a file, or "" if it cannot be read.
std::string FirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) return "";
  return line;
}

// A cgroup directory's CPU limit in CPUs (0: none, or unreadable). v2: cpu.max is "max 100000"
// or "<quota> <period>"; v1: cpu.cfs_quota_us (-1: none) over cpu.cfs_period_us.
double DirectoryLimit(const std::string& dir, bool v2) {
  long long quota = 0, period = 0;
  if (v2) {
    std::istringstream max(FirstLine(dir + "/cpu.max"));
    std::string quota_text;
    if (!(max >> quota_text >> period) || quota_text == "max") return 0;
    quota = atoll(quota_text.c_str());
  } else {
    quota = atoll(FirstLine(dir + "/cpu.cfs_quota_us").c_str());
    period = atoll(FirstLine(dir + "/cpu.cfs_period_us").c_str());
  }
  return quota > 0 && period > 0 ? static_cast<double>(quota) / static_cast<double>(period) : 0;
}

// The tightest limit from the cgroup `path` up to the root of the hierarchy mounted at `mount`
// (a limit on a parent caps its children).
double TightestLimit(const std::string& mount, std::string path, bool v2) {
  double tightest = 0;
  for (;;) {
    double limit = DirectoryLimit(mount + path, v2);
    if (limit > 0 && (tightest == 0 || limit < tightest)) tightest = limit;
    if (path.empty() || path == "/") return tightest;
    size_t slash = path.find_last_of('/');
    path = slash == std::string::npos ? "" : path.substr(0, slash);
  }
}

// The tightest CPU limit of this process's cgroups (0: none found). /proc/self/cgroup lists one
// "<id>:<controllers>:<path>" line per hierarchy: "0::<path>" is cgroup v2 (at the root, or at
// unified/ beside v1 hierarchies), a v1 line whose controllers include "cpu" is at cpu,... .
double CgroupCpuLimit(const std::string& root) {
  std::ifstream lines("/proc/self/cgroup");
  std::string line;
  double tightest = 0;
  while (std::getline(lines, line)) {
    size_t first = line.find(':');
    size_t second = first == std::string::npos ? first : line.find(':', first + 1);
    if (second == std::string::npos) continue;
    std::string controllers = line.substr(first + 1, second - first - 1);
    std::string path = line.substr(second + 1);
    double limit = 0;
    if (line.compare(0, first, "0") == 0 && controllers.empty()) {
      limit = TightestLimit(root, path, true);
      if (limit == 0) limit = TightestLimit(root + "/unified", path, true);
    } else if (("," + controllers + ",").find(",cpu,") != std::string::npos) {
      limit = TightestLimit(root + "/" + controllers, path, false);
      if (limit == 0) limit = TightestLimit(root + "/cpu", path, false);
    }
    if (limit > 0 && (tightest == 0 || limit < tightest)) tightest = limit;
  }
  return tightest;
}

// Where the cgroup file systems are mounted: RX_TEEC_CGROUP_ROOT (tests), else /sys/fs/cgroup.
std::string CgroupRoot() {
  const char* root = getenv("RX_TEEC_CGROUP_ROOT");
  return root != nullptr && *root != '\0' ? root : "/sys/fs/cgroup";
}

double ReadUsableCpus() {
  double cpus = static_cast<double>(sysconf(_SC_NPROCESSORS_ONLN));
#if defined(__linux__)
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) cpus = CPU_COUNT(&set);
  double limit = CgroupCpuLimit(CgroupRoot());
  if (limit > 0 && limit < cpus) cpus = limit;
#endif
  return cpus;
}

}  // namespace

// The pool's spin and the poller's budget both ask: the files are read once.
double UsableCpus() {
  static const double cpus = ReadUsableCpus();
  return cpus;
}

uint32_t BusyWaitBudgetMicros(const char* name, uint32_t multi_cpu_default) {
  const char* text = getenv(name);
  if (text != nullptr && *text != '\0') {
    char* end = nullptr;
    unsigned long value = strtoul(text, &end, 10);
    if (end != nullptr && *end == '\0' && value <= 10000) return static_cast<uint32_t>(value);
  }
  return UsableCpus() >= 2 ? multi_cpu_default : 0;
}

}  // namespace rxteec
