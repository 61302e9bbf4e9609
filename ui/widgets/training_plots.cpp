#include "widgets/training_plots.h"

#include <QCheckBox>
#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QSlider>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "widgets/export.h"
#include "widgets/plot.h"

namespace ddpm::ui {

namespace {

constexpr int kReplotMs = 150;
constexpr int kHeatColumns = 200; // at most this many columns of steps in the heat map

void setLogAxis(QCPAxis* axis, bool log)
{
    axis->setScaleType(log ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    if (log) {
        axis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
        axis->setNumberFormat(QStringLiteral("eb"));
        axis->setNumberPrecision(0);
    } else {
        axis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
        axis->setNumberFormat(QStringLiteral("gb"));
        axis->setNumberPrecision(4);
    }
}

} // namespace

TrainingPlots::TrainingPlots(QWidget* parent)
    : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);

    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Smoothing:"), this));
    m_smoothingSlider = new QSlider(Qt::Horizontal, this);
    m_smoothingSlider->setObjectName(QStringLiteral("smoothing"));
    m_smoothingSlider->setRange(0, 99);
    m_smoothingSlider->setValue(int(std::lround(m_weight * 100)));
    m_smoothingSlider->setMaximumWidth(180);
    m_smoothingSlider->setToolTip(tr("Weight of TensorBoard's smoothing: a moving average of the loss, "
                                     "debiased at the start (0: none)."));
    m_smoothingLabel = new QLabel(this);
    m_smoothingLabel->setMinimumWidth(32);
    controls->addWidget(m_smoothingSlider);
    controls->addWidget(m_smoothingLabel);
    controls->addSpacing(16);
    m_logYBox = new QCheckBox(tr("Log y axis"), this);
    m_logYBox->setObjectName(QStringLiteral("logY"));
    m_logYBox->setToolTip(tr("Loss and gradient norm on a logarithmic axis."));
    controls->addWidget(m_logYBox);
    controls->addSpacing(16);
    controls->addWidget(new QLabel(tr("X axis:"), this));
    m_xAxis = new QComboBox(this);
    m_xAxis->setObjectName(QStringLiteral("xAxis"));
    m_xAxis->addItem(tr("step"));
    m_xAxis->addItem(tr("training time"));
    m_xAxis->setToolTip(tr("Steps, or seconds of training in this session (previews included, pauses not)."));
    controls->addWidget(m_xAxis);
    controls->addStretch(1);
    layout->addLayout(controls);
    connect(m_smoothingSlider, &QSlider::valueChanged, this, [this](int v) { setSmoothing(v / 100.0); });
    connect(m_logYBox, &QCheckBox::toggled, this, &TrainingPlots::setLogY);
    connect(m_xAxis, QOverload<int>::of(&QComboBox::currentIndexChanged), this,
            [this](int i) { setTimeAxis(i == 1); });

    m_plotArea = new QWidget(this);
    auto* grid = new QGridLayout(m_plotArea);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setSpacing(4);
    m_lossPlot = makePlot(QStringLiteral("lossPlot"), tr("Training loss"), tr("loss"));
    QCPGraph* raw = m_lossPlot->addGraph();
    raw->setName(tr("raw"));
    raw->setPen(QPen(QColor(31, 119, 180, 70), 1));
    QCPGraph* smooth = m_lossPlot->addGraph();
    smooth->setName(tr("smoothed"));
    smooth->setPen(QPen(QColor(31, 119, 180), 2));
    m_lossPlot->legend->setVisible(true); // on the background: plot_style's palette colours
    m_lossPlot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);

    m_bucketPlot = makePlot(QStringLiteral("bucketPlot"), tr("Loss per t"), tr("t, in tenths of 1..T"));
    m_bucketPlot->xAxis->setLabel(tr("step"));
    m_bucketPlot->xAxis->ticker()->setTickCount(3); // the narrowest plot
    m_heatMap = new QCPColorMap(m_bucketPlot->xAxis, m_bucketPlot->yAxis);
    auto* scale = new QCPColorScale(m_bucketPlot);
    m_bucketPlot->plotLayout()->addElement(1, 1, scale);
    scale->setType(QCPAxis::atRight);
    m_heatMap->setColorScale(scale);
    QCPColorGradient gradient(QCPColorGradient::gpThermal);
    gradient.setNanHandling(QCPColorGradient::nhTransparent);
    m_heatMap->setGradient(gradient);
    m_heatMap->setInterpolate(false);
    auto* margins = new QCPMarginGroup(m_bucketPlot);
    m_bucketPlot->axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    scale->setMarginGroup(QCP::msBottom | QCP::msTop, margins);

    m_gradPlot = makePlot(QStringLiteral("gradPlot"), tr("Gradient norm"), tr("‖g‖ before clipping"));
    m_gradPlot->addGraph()->setPen(QPen(QColor(214, 39, 40), 1));
    m_lrPlot = makePlot(QStringLiteral("lrPlot"), tr("Learning rate"), tr("lr"));
    m_lrPlot->addGraph()->setPen(QPen(QColor(44, 160, 44), 2));

    // The loss on top, gradient norm and LR below it, the heat map beside both.
    grid->addWidget(m_lossPlot, 0, 0, 1, 2);
    grid->addWidget(m_bucketPlot, 0, 2, 2, 1);
    grid->addWidget(m_gradPlot, 1, 0);
    grid->addWidget(m_lrPlot, 1, 1);
    grid->setRowStretch(0, 3);
    grid->setRowStretch(1, 2);
    grid->setColumnStretch(0, 1);
    grid->setColumnStretch(1, 1);
    grid->setColumnStretch(2, 1);
    layout->addWidget(m_plotArea, 1);

    m_timer = new QTimer(this);
    m_timer->setInterval(kReplotMs);
    connect(m_timer, &QTimer::timeout, this, &TrainingPlots::replotIfDirty);
    m_timer->start();
    setSmoothing(m_weight);
    clear(1000);
}

QCustomPlot* TrainingPlots::makePlot(const QString& objectName, const QString& title, const QString& yLabel)
{
    auto* plot = new QCustomPlot(m_plotArea);
    plot->setObjectName(objectName);
    plot->setMinimumSize(140, 120);
    plot->plotLayout()->insertRow(0);
    QFont titleFont = font();
    titleFont.setBold(true);
    plot->plotLayout()->addElement(0, 0, new QCPTextElement(plot, title, titleFont));
    plot->xAxis->setLabel(tr("step"));
    plot->yAxis->setLabel(yLabel);
    plot->setNoAntialiasingOnDrag(true);
    plot->xAxis->ticker()->setTickStepStrategy(QCPAxisTicker::tssMeetTickCount); // the small plots are narrow
    plot->xAxis->ticker()->setTickCount(4);
    plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    plot->setToolTip(tr("Drag to pan, scroll to zoom (over an axis: that axis only); double-click to follow the "
                        "data again."));
    // A drag or a wheel turn pins the view; the replot timer then leaves its ranges alone.
    connect(plot, &QCustomPlot::mouseMove, this, [this, plot](QMouseEvent* e) {
        if (e->buttons() & Qt::LeftButton)
            m_pinned.insert(plot);
    });
    connect(plot, &QCustomPlot::mouseWheel, this, [this, plot](QWheelEvent*) { m_pinned.insert(plot); });
    connect(plot, &QCustomPlot::mouseDoubleClick, this, [this, plot](QMouseEvent*) { follow(plot); });
    // Over an axis, the wheel zooms that axis alone (QCustomPlot emits mouseWheel before the axis rect zooms).
    connect(plot, &QCustomPlot::mouseWheel, plot, [plot](QWheelEvent* e) {
        const QPointF p = e->position();
        const QRect r = plot->axisRect()->rect();
        Qt::Orientations o = Qt::Horizontal | Qt::Vertical;
        if (p.y() > r.bottom())
            o = Qt::Horizontal;
        else if (p.x() < r.left())
            o = Qt::Vertical;
        plot->axisRect()->setRangeZoom(o);
    });
    return plot;
}

void TrainingPlots::follow(QCustomPlot* plot)
{
    m_pinned.remove(plot);
    m_dirty = true;
    replotIfDirty();
}

void TrainingPlots::clear(int diffusionSteps)
{
    m_pinned.clear();
    m_diffusionSteps = std::max(1, diffusionSteps);
    m_step.clear();
    m_wall.clear();
    m_loss.clear();
    m_smoothed.clear();
    m_grad.clear();
    m_lr.clear();
    m_ips.clear();
    m_buckets.clear();
    m_emaLast = 0;
    m_emaCount = 0;
    rebuildGraphs();
    m_heatMap->data()->clear();
    m_bucketPlot->yAxis->setRange(0, m_diffusionSteps);
    m_dirty = true;
}

void TrainingPlots::append(const std::vector<TrainingPoint>& points)
{
    if (points.empty())
        return;
    const size_t first = m_step.size();
    for (const TrainingPoint& p : points) {
        m_step.push_back(p.step);
        m_wall.push_back(p.wallSeconds);
        m_loss.push_back(p.loss);
        m_grad.push_back(p.gradNorm);
        m_lr.push_back(p.lr);
        m_ips.push_back(p.itemsPerSecond);
        m_buckets.push_back(p.bucketLoss);
    }
    smoothFrom(first);
    for (size_t i = first; i < m_step.size(); ++i) {
        const double x = key(i);
        m_lossPlot->graph(0)->addData(x, m_loss[i]);
        m_lossPlot->graph(1)->addData(x, m_smoothed[i]);
        m_gradPlot->graph(0)->addData(x, m_grad[i]);
        m_lrPlot->graph(0)->addData(x, m_lr[i]);
    }
    m_dirty = true;
}

// TensorBoard's smoothing: an EMA of the values, divided by 1 - w^n so the start is not pulled to 0.
void TrainingPlots::smoothFrom(size_t first)
{
    if (first == 0) {
        m_emaLast = 0;
        m_emaCount = 0;
    }
    m_smoothed.resize(first);
    for (size_t i = first; i < m_loss.size(); ++i) {
        const double v = m_loss[i];
        if (std::isfinite(v)) {
            m_emaLast = m_emaLast * m_weight + (1 - m_weight) * v;
            ++m_emaCount;
        }
        const double debias = m_weight > 0 ? 1 - std::pow(m_weight, double(m_emaCount)) : 1;
        m_smoothed.push_back(m_emaCount > 0 && debias > 0 ? m_emaLast / debias : v);
    }
}

void TrainingPlots::rebuildGraphs()
{
    QVector<double> x(int(m_step.size()));
    for (size_t i = 0; i < m_step.size(); ++i)
        x[int(i)] = key(i);
    const auto values = [](const std::vector<double>& v) { return QVector<double>(v.begin(), v.end()); };
    m_lossPlot->graph(0)->setData(x, values(m_loss), true);
    m_lossPlot->graph(1)->setData(x, values(m_smoothed), true);
    m_gradPlot->graph(0)->setData(x, values(m_grad), true);
    m_lrPlot->graph(0)->setData(x, values(m_lr), true);
    const QString label = m_timeAxis ? tr("training time (s)") : tr("step");
    for (QCustomPlot* plot : {m_lossPlot, m_gradPlot, m_lrPlot})
        plot->xAxis->setLabel(label);
    m_dirty = true;
}

void TrainingPlots::setSmoothing(double weight)
{
    m_weight = std::clamp(weight, 0.0, 0.99);
    m_smoothingLabel->setText(QString::number(m_weight, 'f', 2));
    {
        const QSignalBlocker block(m_smoothingSlider);
        m_smoothingSlider->setValue(int(std::lround(m_weight * 100)));
    }
    smoothFrom(0);
    QVector<double> x(int(m_step.size()));
    for (size_t i = 0; i < m_step.size(); ++i)
        x[int(i)] = key(i);
    m_lossPlot->graph(1)->setData(x, QVector<double>(m_smoothed.begin(), m_smoothed.end()), true);
    m_dirty = true;
}

void TrainingPlots::setLogY(bool log)
{
    m_logY = log;
    {
        const QSignalBlocker block(m_logYBox);
        m_logYBox->setChecked(log);
    }
    setLogAxis(m_lossPlot->yAxis, log);
    setLogAxis(m_gradPlot->yAxis, log);
    m_dirty = true;
}

void TrainingPlots::setTimeAxis(bool time)
{
    m_timeAxis = time;
    {
        const QSignalBlocker block(m_xAxis);
        m_xAxis->setCurrentIndex(time ? 1 : 0);
    }
    rebuildGraphs();
}

void TrainingPlots::updateHeatMap()
{
    if (m_step.empty())
        return;
    const long long first = m_step.front();
    const long long last = m_step.back();
    const int columns = int(std::min<size_t>(m_step.size(), size_t(kHeatColumns)));
    std::vector<std::array<double, 10>> sum(size_t(columns), std::array<double, 10>{});
    std::vector<std::array<int, 10>> count(size_t(columns), std::array<int, 10>{});
    const double span = double(std::max<long long>(1, last - first));
    for (size_t i = 0; i < m_step.size(); ++i) {
        const int c = std::min(columns - 1, int(double(m_step[i] - first) / span * columns));
        for (size_t k = 0; k < 10; ++k) {
            const double v = m_buckets[i][k];
            if (std::isfinite(v) && v > 0) {
                sum[size_t(c)][k] += v;
                ++count[size_t(c)][k];
            }
        }
    }
    QCPColorMapData* data = m_heatMap->data();
    data->setSize(columns, 10);
    const double bucket = double(m_diffusionSteps) / 10;
    // Cell centres: the columns spread over the steps, the rows at the middle of each tenth of t.
    const double half = columns > 1 ? span / columns / 2 : 0.5;
    data->setRange(QCPRange(first + half, std::max(first + half + 1e-9, last - half)),
                   QCPRange(bucket / 2, m_diffusionSteps - bucket / 2));
    for (int c = 0; c < columns; ++c)
        for (int k = 0; k < 10; ++k)
            data->setCell(c, k, count[size_t(c)][size_t(k)] > 0 ? sum[size_t(c)][size_t(k)] / count[size_t(c)][size_t(k)]
                                                               : std::nan(""));
    m_heatMap->rescaleDataRange(true);
    // A log colour scale once the losses span a decade; before that its ticks would all read 10^0.
    const QCPRange range = m_heatMap->dataRange();
    setLogAxis(m_heatMap->colorScale()->axis(), range.lower > 0 && range.upper / range.lower > 10);
    m_heatMap->colorScale()->setDataScaleType(m_heatMap->colorScale()->axis()->scaleType());
    if (!m_pinned.contains(m_bucketPlot)) {
        m_bucketPlot->xAxis->setRange(first - 0.5, last + 0.5);
        m_bucketPlot->yAxis->setRange(0, m_diffusionSteps);
    }
}

void TrainingPlots::replotIfDirty()
{
    if (!m_dirty || !isVisible())
        return;
    m_dirty = false;
    for (QCustomPlot* plot : {m_lossPlot, m_gradPlot, m_lrPlot}) {
        if (m_pinned.contains(plot)) {
            plot->replot(QCustomPlot::rpQueuedReplot);
            continue;
        }
        plot->rescaleAxes();
        plot->yAxis->scaleRange(1.05, plot->yAxis->range().center()); // a little headroom
        if (plot->yAxis->scaleType() == QCPAxis::stLogarithmic && plot->yAxis->range().lower <= 0)
            plot->yAxis->setRangeLower(1e-6);
        plot->replot(QCustomPlot::rpQueuedReplot);
    }
    updateHeatMap();
    m_bucketPlot->replot(QCustomPlot::rpQueuedReplot);
}

void TrainingPlots::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    m_dirty = true; // data that arrived while hidden
}

QString TrainingPlots::csv() const
{
    QString text = QStringLiteral("step,training_s,loss,loss_smoothed,grad_norm,lr,items_per_s");
    for (int k = 0; k < 10; ++k)
        text += QStringLiteral(",loss_bucket_%1").arg(k);
    text += QLatin1Char('\n');
    const auto number = [](double v) { return std::isfinite(v) ? QString::number(v, 'g', 17) : QString(); };
    for (size_t i = 0; i < m_step.size(); ++i) {
        text += QString::number(m_step[i]);
        for (double v : {m_wall[i], m_loss[i], m_smoothed[i], m_grad[i], m_lr[i], m_ips[i]})
            text += QLatin1Char(',') + number(v);
        for (double v : m_buckets[i])
            text += QLatin1Char(',') + number(v);
        text += QLatin1Char('\n');
    }
    return text;
}

bool TrainingPlots::exportPng(const QString& path, const QString& caption)
{
    if (m_step.empty())
        return false;
    m_dirty = true;
    replotIfDirty();
    for (QCustomPlot* plot : {m_lossPlot, m_bucketPlot, m_gradPlot, m_lrPlot})
        plot->replot(QCustomPlot::rpImmediateRefresh);
    return saveWidgetPng(this, m_plotArea, path, caption);
}

} // namespace ddpm::ui
