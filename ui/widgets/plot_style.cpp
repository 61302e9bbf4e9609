#include "widgets/plot_style.h"

#include <QApplication>

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
        plot->legend->item(i)->setFont(font);
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

} // namespace ddpm::ui
