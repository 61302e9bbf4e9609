#include "widgets/plot_style.h"

#include <QApplication>
#include <QEvent>

#include "widgets/plot.h"

namespace ddpm::ui {

void applyApplicationFont(QCustomPlot* plot)
{
    const QFont font = QApplication::font(plot);
    for (QCPAxisRect* rect : plot->axisRects()) {
        for (QCPAxis* axis : rect->axes()) {
            axis->setLabelFont(font);
            axis->setTickLabelFont(font);
            QFont selected = font;
            selected.setBold(true);
            axis->setSelectedLabelFont(selected);
            axis->setSelectedTickLabelFont(selected);
        }
    }
    plot->legend->setFont(font);
    for (int i = 0; i < plot->legend->itemCount(); ++i)
        if (QCPAbstractLegendItem* item = plot->legend->item(i)) // a wrapped legend has empty cells
            item->setFont(font);
    // Text elements anywhere in the layout (titles, captions): the family and size, own weight.
    const QList<QCPLayoutElement*> elements = plot->plotLayout()->elements(true);
    for (QCPLayoutElement* element : elements) {
        if (auto* text = qobject_cast<QCPTextElement*>(element)) {
            QFont own = font;
            own.setBold(text->font().bold());
            text->setFont(own);
        }
    }
}

namespace {

const char* const kMaxColumnsProperty = "ddpmLegendMaxColumns";

/// Refits the legend's columns whenever the plot it watches is resized.
class LegendFitter : public QObject {
public:
    explicit LegendFitter(QCustomPlot* plot)
        : QObject(plot)
    {
        plot->installEventFilter(this);
    }

    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (event->type() == QEvent::Resize)
            fitLegendColumns(static_cast<QCustomPlot*>(watched));
        return QObject::eventFilter(watched, event);
    }
};

} // namespace

void placeLegendBelow(QCustomPlot* plot, int maxColumns)
{
    QCPLegend* legend = plot->legend;
    for (QCPAxisRect* rect : plot->axisRects())
        rect->insetLayout()->take(legend);
    QCPLayoutGrid* layout = plot->plotLayout();
    if (!layout->hasElement(layout->rowCount() - 1, 0) || layout->element(layout->rowCount() - 1, 0) != legend) {
        layout->insertRow(layout->rowCount());
        layout->addElement(layout->rowCount() - 1, 0, legend);
    }
    layout->setRowStretchFactor(layout->rowCount() - 1, 0.001);
    layout->setRowSpacing(2);
    legend->setBorderPen(Qt::NoPen);
    legend->setBrush(Qt::NoBrush);
    legend->setMargins(QMargins(4, 0, 4, 2));
    legend->setIconSize(20, 10); // short swatches: two entries a row fit a narrow plot
    legend->setIconTextPadding(4);
    legend->setColumnSpacing(8);
    legend->setRowSpacing(0);
    legend->setVisible(true);
    plot->setProperty(kMaxColumnsProperty, std::max(1, maxColumns));
    if (!plot->findChild<LegendFitter*>())
        new LegendFitter(plot);
    fitLegendColumns(plot);
}

void fitLegendColumns(QCustomPlot* plot)
{
    QCPLegend* legend = plot->legend;
    const int maxColumns = std::max(1, plot->property(kMaxColumnsProperty).toInt());
    for (int columns = maxColumns; columns >= 1; --columns) {
        legend->setWrap(columns);
        legend->setFillOrder(QCPLegend::foColumnsFirst, true);
        if (columns == 1 || legend->minimumOuterSizeHint().width() <= plot->width())
            break;
    }
    plot->replot(QCustomPlot::rpQueuedReplot);
}

} // namespace ddpm::ui
