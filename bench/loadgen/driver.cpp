#include "driver.h"

#include <cstdio>

#include "connection.h"

namespace amfgate::bench {
namespace {

constexpr size_t kReadBufferSize = 64 * 1024;
constexpr uint64_t kTickMs = 10;

double Seconds(uint64_t ns) { return static_cast<double>(ns) / 1e9; }

}  // namespace

std::string Target::HostHeader() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Driver::Driver(const Target& target, const TlsClientConfig* tls, pid_t server_pid)
    : target_(target), tls_(tls), server_pid_(server_pid) {}

Driver::~Driver() {
  if (loop_open_) Shutdown();
}

Status Driver::Init() {
  int rc = target_.host.find(':') != std::string::npos
               ? uv_ip6_addr(target_.host.c_str(), target_.port,
                             reinterpret_cast<sockaddr_in6*>(&address_))
               : uv_ip4_addr(target_.host.c_str(), target_.port,
                             reinterpret_cast<sockaddr_in*>(&address_));
  if (rc != 0) return Status::Error(Code::kInvalidArgument, "bad address " + target_.host);
  rc = uv_loop_init(&loop_);
  if (rc != 0)
    return Status::Error(Code::kInternal, std::string("uv_loop_init: ") + uv_strerror(rc));
  loop_open_ = true;
  uv_timer_init(&loop_, &tick_);
  tick_.data = this;
  uv_idle_init(&loop_, &pace_);
  pace_.data = this;
  read_buffer_ = std::make_unique<char[]>(kReadBufferSize);
  return Status::Ok();
}

uv_buf_t Driver::ReadBuffer() { return uv_buf_init(read_buffer_.get(), kReadBufferSize); }

Status Driver::RunPhase(const PhaseOptions& options, const std::vector<User*>& users,
                        PhaseResult* result) {
  if (!error_.empty()) return Status::Error(Code::kIoError, error_);
  options_ = options;
  result_ = result;
  *result = PhaseResult();
  users_ = users.size();
  users_done_ = 0;
  in_flight_ = 0;
  released_ = 0;
  sent_ = 0;
  backlog_samples_.clear();
  running_ = true;
  accepting_ = true;
  window_open_ = false;
  window_done_ = false;
  phase_started_ns_ = uv_hrtime();
  last_response_ns_ = phase_started_ns_;
  if (paced()) {
    schedule_ = RateSchedule(options.rate, users.size(), phase_started_ns_);
    backlog_samples_.reserve(static_cast<size_t>(options.duration_s * 1000 / kTickMs) + 16);
    uv_idle_start(&pace_, [](uv_idle_t* h) { static_cast<Driver*>(h->data)->Pace(); });
  }
  while (connections_.size() < users.size())
    connections_.push_back(std::make_unique<Connection>(this, connections_.size()));
  for (User* user : users) user->BeginPhase(options.phase);
  if (options.timed && options.warmup_s <= 0) OpenWindow();
  uv_timer_start(
      &tick_, [](uv_timer_t* t) { static_cast<Driver*>(t->data)->OnTick(); }, kTickMs, kTickMs);
  for (size_t i = 0; i < users.size() && running_; ++i) connections_[i]->Begin(users[i]);
  MaybeFinish();
  if (running_) uv_run(&loop_, UV_RUN_DEFAULT);
  uv_timer_stop(&tick_);
  uv_idle_stop(&pace_);
  running_ = false;
  if (!error_.empty()) return Status::Error(Code::kIoError, error_);
  if (!options.timed) result->seconds = Seconds(uv_hrtime() - phase_started_ns_);
  return Status::Ok();
}

void Driver::OpenWindow() {
  window_open_ = true;
  window_started_ns_ = uv_hrtime();
  result_->requests = 0;
  result_->ops = 0;
  result_->latency.Clear();
  result_->have_server = server_pid_ > 0 && ReadProcSample(server_pid_, &result_->server_before);
  client_cpu_start_ = SelfCpuSeconds();
}

void Driver::CloseWindow() {
  if (!window_open_) return;
  window_open_ = false;
  window_done_ = true;
  result_->seconds = Seconds(uv_hrtime() - window_started_ns_);
  if (result_->have_server && !ReadProcSample(server_pid_, &result_->server_after)) {
    Fail("server process " + std::to_string(server_pid_) + " disappeared during the run");
  }
  result_->client_cpu_s = SelfCpuSeconds() - client_cpu_start_;
  accepting_ = false;
  if (paced()) {
    result_->offered_rps = options_.rate;
    result_->backlog = SummarizeBacklog(backlog_samples_);
    result_->backlog_at_close = released_ - sent_;
    const double achieved =
        result_->seconds > 0 ? static_cast<double>(result_->requests) / result_->seconds : 0;
    result_->saturated = Saturated(options_.rate, achieved, result_->backlog, users_);
  }
}

void Driver::Pace() {
  if (!accepting_) return;
  const uint64_t now = uv_hrtime();
  while (running_ && accepting_ && schedule_.DueNs(released_) <= now) {
    const size_t c = schedule_.ConnectionOf(released_);
    ++released_;
    connections_[c]->Release();
  }
}

void Driver::MaybeFinish() {
  if (!running_) return;
  if ((users_done_ < users_ && accepting_) || in_flight_ != 0) return;
  CloseWindow();
  running_ = false;
  accepting_ = false;
  uv_stop(&loop_);
}

void Driver::OnTick() {
  if (!running_) return;
  const uint64_t now = uv_hrtime();
  if (options_.timed && !window_open_ && !window_done_ &&
      Seconds(now - phase_started_ns_) >= options_.warmup_s) {
    OpenWindow();
  }
  if (window_open_ && paced()) backlog_samples_.push_back(released_ - sent_);
  if (window_open_ && options_.duration_s > 0 && now > window_started_ns_ &&
      Seconds(now - window_started_ns_) >= options_.duration_s) {
    CloseWindow();
    MaybeFinish();
    if (!running_) return;
  }
  if (options_.limit_s > 0 && Seconds(now - phase_started_ns_) > options_.limit_s) {
    char msg[160];
    std::snprintf(msg, sizeof msg,
                  "phase '%s' did not finish within %.0f s (%llu of %zu users done)", options_.name,
                  options_.limit_s, static_cast<unsigned long long>(users_done_), users_);
    Fail(msg);
    return;
  }
  if (in_flight_ > 0 && Seconds(now - last_response_ns_) > kStallSeconds) {
    char msg[160];
    std::snprintf(msg, sizeof msg,
                  "phase '%s': no response for %.0f s with %llu request(s) in flight",
                  options_.name, kStallSeconds, static_cast<unsigned long long>(in_flight_));
    Fail(msg);
  }
}

void Driver::OnResponse(int64_t latency_ns, int ops) {
  --in_flight_;
  last_response_ns_ = uv_hrtime();
  if (window_open_ || !options_.timed) {
    ++result_->requests;
    result_->ops += static_cast<uint64_t>(ops);
    if (window_open_) {
      result_->latency.Record(latency_ns);
      if (options_.max_ops != 0 && result_->ops >= options_.max_ops) CloseWindow();
    }
  }
  MaybeFinish();
}

void Driver::OnUserDone() {
  ++users_done_;
  MaybeFinish();
}

void Driver::OnConnect(bool reconnect) {
  if (result_ == nullptr) return;
  ++result_->connects;
  if (reconnect) ++result_->reconnects;
}

void Driver::OnHandshake(bool full) {
  if (result_ == nullptr) return;
  ++(full ? result_->full_handshakes : result_->resumed_handshakes);
}

void Driver::Fail(std::string message) {
  if (error_.empty()) error_ = std::move(message);
  running_ = false;
  accepting_ = false;
  uv_stop(&loop_);
}

void Driver::Shutdown() {
  if (!loop_open_) return;
  for (auto& c : connections_) c->Shutdown();
  uv_close(reinterpret_cast<uv_handle_t*>(&tick_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&pace_), nullptr);
  uv_run(&loop_, UV_RUN_DEFAULT);
  connections_.clear();
  uv_loop_close(&loop_);
  loop_open_ = false;
}

}  // namespace amfgate::bench
