"""Write a CSV as an Excel 97 (.xls, with xlwt) or OpenDocument (.ods, with odfpy)
workbook, as a spreadsheet saves one: column DATE_COLUMN as date cells (displayed
M/D/YY h:mm), cells that read as numbers as numbers, the rest as text.

    python3 write_workbook.py leads.csv leads.xls 1
"""
import csv
import datetime
import sys


def cells(src):
    rows = list(csv.reader(open(src, newline="", encoding="utf-8")))
    return rows[0], rows[1:]


def number(text):
    try:
        return float(text)
    except ValueError:
        return None


def write_xls(header, rows, dest, date_column):
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("Report")
    date = xlwt.easyxf(num_format_str="M/D/YY h:mm")
    for c, name in enumerate(header):
        sheet.write(0, c, name)
    for r, row in enumerate(rows, start=1):
        for c, cell in enumerate(row):
            if cell == "":
                continue
            if c == date_column:
                sheet.write(r, c, datetime.datetime.fromisoformat(cell), date)
            elif number(cell) is not None:
                sheet.write(r, c, number(cell))
            else:
                sheet.write(r, c, cell)
    book.save(dest)


def write_ods(header, rows, dest, date_column):
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name="Report")

    def cell_of(text, **kind):
        cell = TableCell(**kind)
        cell.addElement(P(text=text))
        return cell

    line = TableRow()
    for name in header:
        line.addElement(cell_of(name, valuetype="string"))
    table.addElement(line)
    for row in rows:
        line = TableRow()
        for c, text in enumerate(row):
            if text == "":
                line.addElement(TableCell())
            elif c == date_column:
                value = datetime.datetime.fromisoformat(text).isoformat()
                line.addElement(cell_of(text, valuetype="date", datevalue=value))
            elif number(text) is not None:
                line.addElement(cell_of(text, valuetype="float", value=text))
            else:
                line.addElement(cell_of(text, valuetype="string"))
        table.addElement(line)
    doc.spreadsheet.addElement(table)
    doc.save(dest)


if __name__ == "__main__":
    src, dest, date_column = sys.argv[1], sys.argv[2], int(sys.argv[3])
    header, rows = cells(src)
    (write_xls if dest.endswith(".xls") else write_ods)(header, rows, dest, date_column)
