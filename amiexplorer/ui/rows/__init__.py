"""What the tables show: the rows of a pane (`model`), their columns and how they fit the width,
the audit's rows, the details of a row, and how numbers, sizes and times are written."""
