#include "widgets/bound_totals.h"

#include <QHeaderView>

#include "jobs/bound_job.h"
#include "widgets/bound_text.h"

namespace ddpm::ui {

BoundTotals::BoundTotals(QWidget* parent)
    : QTableWidget(RowCount, 2, parent)
{
    const QString ltm1 = ltm1Text();
    setObjectName(QStringLiteral("totals"));
    setHorizontalHeaderLabels({tr("value"), tr("share")});
    setVerticalHeaderLabels({tr("L_T (prior)"), tr("L₀ (decoder)"), tr("Σ %1, t = 2..T").arg(ltm1),
                             tr("total (bound)"), tr("model calls"), tr("time")});
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setSelectionMode(QAbstractItemView::ContiguousSelection);
    // Tab leaves the table (the arrow keys move between cells): no keyboard trap.
    setTabKeyNavigation(false);
    horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    for (int row = 0; row < RowCount; ++row) {
        for (int col = 0; col < 2; ++col) {
            auto* item = new QTableWidgetItem;
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            setItem(row, col, item);
        }
    }
    setToolTip(tr("The bound L = L_T + Σ %1 + L₀ on −log p(x₀) (Eqs. 3 and 5), in bits per dimension "
                  "(nats averaged over pixels and channels, divided by ln 2).\n"
                  "L_T: the prior's KL, near 0 for a good schedule; L₀: the discrete decoder (Eq. 13); "
                  "%1: one KL per t (Eq. 8).").arg(ltm1));
    setWordWrap(false);
    setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setSizeAdjustPolicy(QAbstractScrollArea::AdjustToContents);
}

void BoundTotals::showReport(const BoundReport& r)
{
    const auto setRow = [this](int row, const QString& text, double exact, const QString& share) {
        item(row, 0)->setText(text);
        item(row, 0)->setData(Qt::UserRole, exact);
        item(row, 1)->setText(share);
    };
    const auto shareOf = [&r](double v) {
        return r.totalBpd != 0 ? QStringLiteral("%1 %").arg(100.0 * v / r.totalBpd, 0, 'f', 1) : QString();
    };
    setRow(Prior, bpdText(r.priorBpd), r.priorBpd, shareOf(r.priorBpd));
    setRow(Decoder, bpdText(r.decoderBpd), r.decoderBpd, shareOf(r.decoderBpd));
    setRow(Terms, bpdText(r.termsBpdSum), r.termsBpdSum, shareOf(r.termsBpdSum));
    setRow(Total, bpdText(r.totalBpd), r.totalBpd, QString());
    QFont bold = item(Total, 0)->font();
    bold.setBold(true);
    item(Total, 0)->setFont(bold);
    setRow(Calls, QString::number(r.modelCalls), static_cast<double>(r.modelCalls), QString());
    item(Calls, 0)->setToolTip(
        r.timestepBatch > 0 ? tr("%1 timesteps per model call").arg(r.timestepBatch) : QString());
    setRow(Time, tr("%1 s").arg(r.seconds, 0, 'f', 2), r.seconds, QString());
}

} // namespace ddpm::ui
