#include "layer/layer_stream.h"

#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

namespace hako::layer {
namespace {

constexpr size_t kInChunk = 1 << 20;
constexpr size_t kOutChunk = 1 << 20;
constexpr size_t kQueueDepth = 8;

Result<size_t> read_some(int fd, char* buf, size_t n) {
  for (;;) {
    ssize_t r = ::read(fd, buf, n);
    if (r >= 0) return static_cast<size_t>(r);
    if (errno != EINTR) return fail_sys("reading layer");
  }
}

// One decompressor: feed() takes compressed input and calls emit() with
// output; finish() checks the stream ended where it should.
class Decoder {
 public:
  virtual ~Decoder() = default;
  template <typename Emit>
  Result<> feed(std::string_view in, Emit&& emit);
  virtual Result<size_t> step(std::string_view& in, char* out, size_t cap) = 0;
  virtual Result<> finish() = 0;
};

class PlainDecoder : public Decoder {
 public:
  Result<size_t> step(std::string_view& in, char* out, size_t cap) override {
    size_t n = std::min(in.size(), cap);
    std::copy_n(in.data(), n, out);
    in.remove_prefix(n);
    return n;
  }
  Result<> finish() override { return {}; }
};

class GzipDecoder : public Decoder {
 public:
  GzipDecoder() { inflateInit2(&z_, 15 + 16); }
  ~GzipDecoder() override { inflateEnd(&z_); }
  Result<size_t> step(std::string_view& in, char* out, size_t cap) override {
    if (ended_ && !in.empty()) {
      // Several gzip members in a row are one stream (RFC 1952 2.2).
      inflateReset(&z_);
      ended_ = false;
    }
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z_.avail_in = static_cast<uInt>(in.size());
    z_.next_out = reinterpret_cast<Bytef*>(out);
    z_.avail_out = static_cast<uInt>(cap);
    int r = inflate(&z_, Z_NO_FLUSH);
    if (r != Z_OK && r != Z_STREAM_END && r != Z_BUF_ERROR)
      return fail(ErrorKind::InvalidArgument, "gzip: {}", z_.msg ? z_.msg : "corrupt data");
    if (r == Z_STREAM_END) ended_ = true;
    in.remove_prefix(in.size() - z_.avail_in);
    return cap - z_.avail_out;
  }
  Result<> finish() override {
    if (!ended_) return fail(ErrorKind::InvalidArgument, "gzip: unexpected end of data");
    return {};
  }

 private:
  z_stream z_{};
  bool ended_ = false;
};

class ZstdDecoder : public Decoder {
 public:
  ZstdDecoder() : d_(ZSTD_createDStream()) {}
  ~ZstdDecoder() override { ZSTD_freeDStream(d_); }
  Result<size_t> step(std::string_view& in, char* out, size_t cap) override {
    ZSTD_inBuffer ib{in.data(), in.size(), 0};
    ZSTD_outBuffer ob{out, cap, 0};
    size_t r = ZSTD_decompressStream(d_, &ob, &ib);
    if (ZSTD_isError(r)) return fail(ErrorKind::InvalidArgument, "zstd: {}", ZSTD_getErrorName(r));
    // 0 means a frame ended and was flushed; a later call that reads
    // nothing new (draining) must not forget it.
    frame_done_ = r == 0 || (frame_done_ && ib.pos == 0);
    in.remove_prefix(ib.pos);
    return ob.pos;
  }
  Result<> finish() override {
    if (!frame_done_) return fail(ErrorKind::InvalidArgument, "zstd: unexpected end of data");
    return {};
  }

 private:
  ZSTD_DStream* d_;
  bool frame_done_ = false;
};

}  // namespace

oci::Compression detect_compression(std::string_view h) {
  if (h.size() >= 2 && static_cast<unsigned char>(h[0]) == 0x1f && static_cast<unsigned char>(h[1]) == 0x8b)
    return oci::Compression::Gzip;
  if (h.size() >= 4 && h.substr(0, 4) == std::string_view("\x28\xb5\x2f\xfd", 4)) return oci::Compression::Zstd;
  return oci::Compression::None;
}

class LayerStream::Impl {
 public:
  explicit Impl(int fd) : fd_(fd) {}

  ~Impl() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (worker_.joinable()) worker_.join();
  }

  Result<> start() {
    // The first read decides the decoder; it is handed to the worker.
    std::string head(kInChunk, '\0');
    TRY_ASSIGN(size_t n, read_some(fd_, head.data(), head.size()));
    head.resize(n);
    compression_ = detect_compression(head);
    switch (compression_) {
      case oci::Compression::Gzip: decoder_ = std::make_unique<GzipDecoder>(); break;
      case oci::Compression::Zstd: decoder_ = std::make_unique<ZstdDecoder>(); break;
      case oci::Compression::None: decoder_ = std::make_unique<PlainDecoder>(); break;
    }
    worker_ = std::thread([this, head = std::move(head)]() mutable { run(std::move(head)); });
    return {};
  }

  Result<std::string_view> next() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !queue_.empty() || done_; });
    if (queue_.empty()) {
      if (error_) return std::unexpected(*error_);
      return std::string_view();
    }
    current_ = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    cv_.notify_all();
    return std::string_view(current_);
  }

  oci::Compression compression_ = oci::Compression::None;
  uint64_t size_ = 0;
  std::optional<store::Digest> diff_id_;

 private:
  // Worker: read, decode, hash, queue.
  void run(std::string first) {
    auto r = pump(std::move(first));
    std::lock_guard lock(mu_);
    if (!r) error_ = std::move(r).error();
    else diff_id_ = hasher_.finish();
    done_ = true;
    cv_.notify_all();
  }

  Result<> pump(std::string input) {
    std::string out(kOutChunk, '\0');
    size_t len = 0;
    bool eof = input.empty();
    for (;;) {
      std::string_view in(input);
      // Decode everything buffered. A decoder may hold output back even
      // with all input taken (zstd decodes block by block), so the loop
      // ends only once a step with no input left produces nothing.
      for (;;) {
        size_t before = in.size();
        TRY_ASSIGN(size_t n, decoder_->step(in, out.data() + len, kOutChunk - len));
        len += n;
        bool full = len == kOutChunk;
        if (full) {
          if (!push(out)) return {};
          len = 0;
        }
        if (n == 0 && in.size() == before) break;
      }
      if (eof) {
        if (!in.empty()) return fail(ErrorKind::InvalidArgument, "layer has trailing data the decoder cannot read");
        break;
      }
      std::string rest(in);
      input.resize(kInChunk);
      TRY_ASSIGN(size_t got, read_some(fd_, input.data(), input.size()));
      input.resize(got);
      eof = got == 0;
      if (!rest.empty()) input.insert(0, rest);
    }
    TRY(decoder_->finish());
    out.resize(len);
    if (!out.empty()) push(out);
    return {};
  }

  // Hands a full chunk to the reader; false when the reader went away.
  bool push(std::string& chunk) {
    hasher_.update(chunk);
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return queue_.size() < kQueueDepth || stop_; });
    if (stop_) return false;
    size_ += chunk.size();
    queue_.push_back(std::move(chunk));
    lock.unlock();
    cv_.notify_all();
    chunk.assign(kOutChunk, '\0');
    return true;
  }

  int fd_;
  std::unique_ptr<Decoder> decoder_;
  store::Sha256 hasher_;
  std::thread worker_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> queue_;
  std::string current_;
  std::optional<Error> error_;
  bool done_ = false;
  bool stop_ = false;
};

LayerStream::LayerStream(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LayerStream::~LayerStream() = default;

Result<std::unique_ptr<LayerStream>> LayerStream::open(int fd) {
  auto impl = std::make_unique<Impl>(fd);
  TRY(impl->start());
  return std::unique_ptr<LayerStream>(new LayerStream(std::move(impl)));
}

Result<std::string_view> LayerStream::next() { return impl_->next(); }
oci::Compression LayerStream::compression() const { return impl_->compression_; }
uint64_t LayerStream::size() const { return impl_->size_; }
store::Digest LayerStream::diff_id() { return impl_->diff_id_.value_or(store::Digest{}); }

}  // namespace hako::layer
