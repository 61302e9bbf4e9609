// The Bound page's totals table: L_T, L_0, the sum of the L_{t-1}, the bound, model calls and
// time, each with its share of the bound. The exact value of a row sits in Qt::UserRole of
// its column-0 item; the text is rounded for reading.
#pragma once

#include <QTableWidget>

namespace ddpm::ui {

struct BoundReport;

class BoundTotals : public QTableWidget {
    Q_OBJECT
public:
    /// Rows of the table, top to bottom.
    enum Row { Prior, Decoder, Terms, Total, Calls, Time, RowCount };

    explicit BoundTotals(QWidget* parent = nullptr);

    /// Fills the table from one evaluation (values in bits/dim, calls, seconds).
    void showReport(const BoundReport& report);
};

} // namespace ddpm::ui
