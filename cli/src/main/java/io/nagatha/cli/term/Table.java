package io.nagatha.cli.term;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** A plain text table: a header row, then columns padded to their widest cell (cells cut at a bound). */
public final class Table {

    private static final int MAX_CELL = 60;

    private final String[] header;
    private final List<String[]> rows = new ArrayList<>();

    public Table(String... header) {
        this.header = header;
    }

    public Table row(Object... cells) {
        String[] row = new String[header.length];
        for (int i = 0; i < header.length; i++) {
            String cell = i < cells.length && cells[i] != null ? String.valueOf(cells[i]).replaceAll("\\s+", " ").strip() : "";
            row[i] = cell.length() > MAX_CELL ? cell.substring(0, MAX_CELL - 3) + "..." : cell;
        }
        rows.add(row);
        return this;
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    public void print(PrintStream out) {
        int[] widths = new int[header.length];
        for (int i = 0; i < header.length; i++) {
            widths[i] = header[i].length();
            for (String[] row : rows) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        out.println(format(header, widths));
        for (String[] row : rows) {
            out.println(format(row, widths));
        }
    }

    private static String format(String[] cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            line.append(cells[i]);
            if (i < cells.length - 1) {
                line.append(" ".repeat(widths[i] - cells[i].length() + 2));
            }
        }
        return line.toString().stripTrailing();
    }
}
