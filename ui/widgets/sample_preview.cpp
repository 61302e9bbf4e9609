#include "widgets/sample_preview.h"

#include <QLabel>
#include <QStackedWidget>
#include <QVBoxLayout>

#include <algorithm>

#include "widgets/image_view.h"
#include "widgets/plot.h"

namespace ddpm::ui {

SamplePreview::SamplePreview(const QString& title, QWidget* parent)
    : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_title = new QLabel(QStringLiteral("<b>%1</b>").arg(title.toHtmlEscaped()), this);
    layout->addWidget(m_title);
    m_stack = new QStackedWidget(this);
    m_image = new ImageView(QString(), m_stack);
    m_plot = new QCustomPlot(m_stack);
    m_plot->setObjectName(QStringLiteral("scatter"));
    m_plot->setMinimumSize(120, 120);
    for (QCPAxis* axis : {m_plot->xAxis, m_plot->yAxis}) {
        axis->setTicks(false);
        axis->setTickLabels(false);
        axis->grid()->setVisible(false);
    }
    m_plot->axisRect()->setAutoMargins(QCP::msNone);
    m_plot->axisRect()->setMargins(QMargins(2, 2, 2, 2));
    QCPGraph* data = m_plot->addGraph();
    data->setLineStyle(QCPGraph::lsNone);
    data->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, QColor(150, 150, 150, 60), 3));
    data->setAdaptiveSampling(false);
    QCPGraph* points = m_plot->addGraph();
    points->setLineStyle(QCPGraph::lsNone);
    points->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, QColor(31, 119, 180, 200), 3));
    points->setAdaptiveSampling(false);
    m_stack->addWidget(m_image);
    m_stack->addWidget(m_plot);
    layout->addWidget(m_stack, 1);
    m_caption = new QLabel(this);
    m_caption->setWordWrap(true);
    layout->addWidget(m_caption);
}

void SamplePreview::setImage(const QImage& image, const QString& caption)
{
    m_image->setImage(image);
    m_image->setPlaceholder(QString());
    m_stack->setCurrentWidget(m_image);
    m_plot->graph(0)->data()->clear();
    m_plot->graph(1)->data()->clear();
    setCaption(caption);
}

void SamplePreview::setPoints(const std::vector<double>& dataX, const std::vector<double>& dataY,
                              const std::vector<double>& x, const std::vector<double>& y, const QString& caption)
{
    const auto vec = [](const std::vector<double>& v) { return QVector<double>(v.begin(), v.end()); };
    m_plot->graph(0)->setData(vec(dataX), vec(dataY));
    m_plot->graph(1)->setData(vec(x), vec(y));
    // The view spans the data (samples far outside it are off the picture, as in samples/*.png).
    m_plot->rescaleAxes();
    if (!dataX.empty()) {
        bool found = false;
        const QCPRange xr = m_plot->graph(0)->getKeyRange(found);
        const QCPRange yr = m_plot->graph(0)->getValueRange(found);
        const double side = std::max(xr.size(), yr.size()) * 0.55;
        m_plot->xAxis->setRange(xr.center() - side, xr.center() + side);
        m_plot->yAxis->setRange(yr.center() - side, yr.center() + side);
    }
    m_stack->setCurrentWidget(m_plot);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
    setCaption(caption);
}

void SamplePreview::setPlaceholder(const QString& text)
{
    m_image->setImage(QImage());
    m_image->setPlaceholder(text);
    m_plot->graph(0)->data()->clear();
    m_plot->graph(1)->data()->clear();
    m_stack->setCurrentWidget(m_image);
    setCaption(QString());
}

void SamplePreview::setCaption(const QString& caption)
{
    m_caption->setText(caption);
}

QString SamplePreview::caption() const
{
    return m_caption->text();
}

QString SamplePreview::placeholder() const
{
    return m_stack->currentWidget() == m_image && m_image->image().isNull() ? m_image->placeholder() : QString();
}

bool SamplePreview::hasImage() const
{
    return !m_image->image().isNull() && m_stack->currentWidget() == m_image;
}

int SamplePreview::pointCount() const
{
    return m_stack->currentWidget() == m_plot ? m_plot->graph(1)->dataCount() : 0;
}

} // namespace ddpm::ui
