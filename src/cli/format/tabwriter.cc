#include "cli/format/tabwriter.h"

#include <vector>

#include "cli/format/utf8.h"

namespace hako::cli::format {

namespace {

struct Cell {
  size_t start = 0;  // in the input text
  size_t size = 0;
  int width = 0;  // display columns
  bool htab = false;
};

// A transcription of tabwriter.Writer's Write/Flush/format/writeLines.
class Writer {
 public:
  Writer(std::string_view text, const TabwriterOptions& o) : text_(text), o_(o) { reset(); }

  std::string run() {
    size_t cell_start = 0;
    for (size_t i = 0; i < text_.size(); ++i) {
      char c = text_[i];
      if (c != '\t' && c != '\v' && c != '\n' && c != '\f') continue;
      size_t cells = terminate_cell(cell_start, i, c == '\t');
      cell_start = i + 1;
      if (c == '\n' || c == '\f') {
        lines_.emplace_back();
        // A one-cell line cannot affect later columns: flushing here is
        // what Go does, and keeps blocks separate.
        if (c == '\f' || cells == 1) flush();
      }
    }
    if (cell_start < text_.size()) terminate_cell(cell_start, text_.size(), false);
    flush();
    return std::move(out_);
  }

 private:
  void reset() {
    lines_.assign(1, {});
    widths_.clear();
  }

  size_t terminate_cell(size_t start, size_t end, bool htab) {
    std::string_view s = text_.substr(start, end - start);
    lines_.back().push_back({start, s.size(), display_width(s), htab});
    return lines_.back().size();
  }

  void flush() {
    format(0, lines_.size());
    reset();
  }

  void write_padding(int textw, int cellw, bool use_tabs) {
    if (o_.pad_char == '\t' || use_tabs) {
      if (o_.tab_width == 0) return;
      cellw = (cellw + o_.tab_width - 1) / o_.tab_width * o_.tab_width;
      int n = cellw - textw;
      if (n > 0) out_.append(size_t((n + o_.tab_width - 1) / o_.tab_width), '\t');
      return;
    }
    if (cellw > textw) out_.append(size_t(cellw - textw), o_.pad_char);
  }

  void write_lines(size_t line0, size_t line1) {
    for (size_t i = line0; i < line1; ++i) {
      const auto& line = lines_[i];
      for (size_t j = 0; j < line.size(); ++j) {
        const Cell& c = line[j];
        bool padded = j < widths_.size();
        if (c.size == 0) {
          if (padded) write_padding(c.width, widths_[j], false);
        } else if (!o_.align_right) {
          out_ += text_.substr(c.start, c.size);
          if (padded) write_padding(c.width, widths_[j], false);
        } else {
          if (padded) write_padding(c.width, widths_[j], false);
          out_ += text_.substr(c.start, c.size);
        }
      }
      // The last buffered line has no newline of its own.
      if (i + 1 < lines_.size()) out_ += '\n';
    }
  }

  void format(size_t line0, size_t line1) {
    size_t column = widths_.size();
    for (size_t cur = line0; cur < line1; ++cur) {
      if (column + 1 >= lines_[cur].size()) continue;
      // A cell exists in this column: write what precedes the block.
      write_lines(line0, cur);
      line0 = cur;
      int width = o_.min_width;
      bool discardable = true;
      for (; cur < line1; ++cur) {
        const auto& line = lines_[cur];
        if (column + 1 >= line.size()) break;
        const Cell& c = line[column];
        width = std::max(width, c.width + o_.padding);
        if (c.width > 0 || c.htab) discardable = false;
      }
      if (discardable && o_.discard_empty_columns) width = 0;
      widths_.push_back(width);
      format(line0, cur);
      widths_.pop_back();
      line0 = cur;
    }
    write_lines(line0, line1);
  }

  std::string_view text_;
  const TabwriterOptions& o_;
  std::vector<std::vector<Cell>> lines_;
  std::vector<int> widths_;
  std::string out_;
};

}  // namespace

std::string tabwrite(std::string_view text, const TabwriterOptions& options) {
  return Writer(text, options).run();
}

}  // namespace hako::cli::format
