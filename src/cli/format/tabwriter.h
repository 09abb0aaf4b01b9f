// Go's text/tabwriter (as forked in docker/cli's formatter/tabwriter), run
// over a whole text at once.
//
// Cells are terminated by '\t' (or '\v', a soft tab); lines end at '\n'. A
// column is a run of consecutive lines that all have a terminated cell at
// that index; each column is as wide as its widest cell plus `padding`, and
// at least `min_width`. The last cell of a line is not part of a column and
// is not padded. '\f' ends a line and also every open column.
//
// Unlike cli/table.h's Table, which pads whole columns of a fixed grid, this
// handles rows with differing cell counts the way Docker does, which user
// templates can produce.
#pragma once

#include <string>
#include <string_view>

namespace hako::cli::format {

struct TabwriterOptions {
  // Docker's: tabwriter.NewWriter(out, 10, 1, 3, ' ', 0).
  int min_width = 10;
  int tab_width = 1;
  int padding = 3;
  char pad_char = ' ';
  bool align_right = false;
  bool discard_empty_columns = false;
};

std::string tabwrite(std::string_view text, const TabwriterOptions& options = {});

}  // namespace hako::cli::format
