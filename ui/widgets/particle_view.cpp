#include "widgets/particle_view.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "widgets/plot.h"
#include "widgets/plot_style.h"

namespace ddpm::ui {

namespace {

enum Graph { Data = 0, X0 = 1, Particles = 2, Selected = 3 };

const QColor kParticle(31, 119, 180, 200);
const QColor kX0(44, 160, 44, 150);
const QColor kSelected(255, 127, 14);
const QColor kArrow(214, 39, 40, 150);

} // namespace

ParticleView::ParticleView(QWidget* parent)
    : QWidget(parent)
{
    m_plot = new QCustomPlot(this);
    m_plot->setObjectName(QStringLiteral("particles"));
    m_plot->setMinimumSize(200, 200);
    const auto addScatter = [this](const QString& name, QCPScatterStyle style) {
        QCPGraph* g = m_plot->addGraph();
        g->setName(name);
        g->setLineStyle(QCPGraph::lsNone);
        g->setScatterStyle(style);
        g->setAdaptiveSampling(false);
        return g;
    };
    addScatter(tr("data"), QCPScatterStyle(QCPScatterStyle::ssDisc, QColor(150, 150, 150, 70), 3));
    addScatter(tr("predicted x₀"), QCPScatterStyle(QCPScatterStyle::ssCross, kX0, 4));
    addScatter(tr("particles xₜ"), QCPScatterStyle(QCPScatterStyle::ssDisc, kParticle, 4));
    addScatter(tr("selected"), QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(kSelected, 2), Qt::NoBrush, 10));
    m_plot->xAxis->setLabel(QStringLiteral("x"));
    m_plot->yAxis->setLabel(QStringLiteral("y"));
    placeLegendBelow(m_plot, 4);
    applyApplicationFont(m_plot);

    // Runs inside every replot, after the layout and before drawing: the axis rect's size is known.
    connect(m_plot, &QCustomPlot::afterLayout, this, &ParticleView::equalScale);

    for (int i = 0; i < kMaxArrows; ++i) {
        auto* arrow = new QCPItemLine(m_plot);
        arrow->setPen(QPen(kArrow, 1));
        arrow->setHead(QCPLineEnding(QCPLineEnding::esSpikeArrow, 6, 8));
        arrow->setVisible(false);
        arrow->setSelectable(false);
        m_arrows.push_back(arrow);
    }

    m_showX0 = new QCheckBox(tr("predicted x₀"), this);
    m_showX0->setObjectName(QStringLiteral("showX0"));
    m_showX0->setToolTip(tr("Also draw where the model says each particle will end (its predicted x₀ at this t)"));
    m_showNoise = new QCheckBox(tr("noise field −ε̂ × %1").arg(kArrowScale), this);
    m_showNoise->setObjectName(QStringLiteral("showNoise"));
    m_showNoise->setChecked(true);
    m_showNoise->setToolTip(tr("An arrow from each particle along minus its predicted noise: the way denoising "
                               "moves it (at most %1 particles)").arg(kMaxArrows));
    connect(m_showX0, &QCheckBox::toggled, this, &ParticleView::redraw);
    connect(m_showNoise, &QCheckBox::toggled, this, &ParticleView::redraw);
    m_caption = new QLabel(this);
    m_caption->setObjectName(QStringLiteral("particleCaption"));
    m_caption->setWordWrap(true);

    auto* toggles = new QHBoxLayout;
    toggles->addWidget(new QLabel(tr("Show:"), this));
    toggles->addWidget(m_showX0);
    toggles->addWidget(m_showNoise);
    toggles->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(toggles);
    layout->addWidget(m_plot, 1);
    layout->addWidget(m_caption);
}

void ParticleView::setChain(const ChainInfo& info)
{
    m_info = info;
    m_frame = ChainFrame();
    m_rangeSet = false;
    m_plot->graph(Data)->setData(QVector<double>(info.dataX.begin(), info.dataX.end()),
                                 QVector<double>(info.dataY.begin(), info.dataY.end()));
    m_plot->graph(Data)->setVisible(!info.dataX.empty());
    for (int g : {X0, Particles, Selected})
        m_plot->graph(g)->data()->clear();
    for (QCPItemLine* arrow : m_arrows)
        arrow->setVisible(false);
    m_caption->setText(info.dataX.empty() ? tr("The data behind the particles is not known for this model.")
                                          : tr("Grey: %1.").arg(info.dataText));
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void ParticleView::fitRange(const ChainFrame& frame)
{
    // One square range for the whole chain: the data and x_T (about N(0, I)), with a margin.
    double extent = 0;
    for (double v : m_info.dataX) extent = std::max(extent, std::abs(v));
    for (double v : m_info.dataY) extent = std::max(extent, std::abs(v));
    const int dims = std::max<int>(1, static_cast<int>(m_info.itemValues()));
    QVector<double> spread;
    for (int i = 0; i + 1 < frame.pointsXt.size(); i += dims)
        spread << std::max(std::abs(frame.pointsXt[i]), std::abs(frame.pointsXt[i + 1]));
    if (!spread.isEmpty()) {
        // The 99th percentile: one stray particle does not shrink the picture.
        std::sort(spread.begin(), spread.end());
        extent = std::max(extent, spread[std::min<int>(spread.size() - 1, int(0.99 * spread.size()))]);
    }
    m_extent = std::max(1.0, extent) * 1.1;
    m_rangeSet = true;
    equalScale();
}

void ParticleView::equalScale()
{
    // [-extent, extent] on the shorter side of the axis rect, more on the longer one: one unit
    // is as long across as up, so round clusters look round.
    m_plot->xAxis->setRange(-m_extent, m_extent);
    m_plot->yAxis->setRange(-m_extent, m_extent);
    const QRect r = m_plot->axisRect()->rect();
    if (r.width() <= 0 || r.height() <= 0)
        return;
    if (r.height() > r.width())
        m_plot->yAxis->setScaleRatio(m_plot->xAxis, 1.0);
    else
        m_plot->xAxis->setScaleRatio(m_plot->yAxis, 1.0);
}

void ParticleView::showFrame(const ChainFrame& frame, int selected)
{
    m_frame = frame;
    m_selected = selected;
    if (!m_rangeSet)
        fitRange(frame);
    redraw();
}

void ParticleView::redraw()
{
    const int dims = std::max<int>(1, static_cast<int>(m_info.itemValues()));
    const int n = dims >= 2 ? static_cast<int>(m_frame.pointsXt.size() / dims) : 0;
    const auto column = [dims, n](const QVector<float>& v, int c) {
        QVector<double> out;
        if (v.size() < n * dims)
            return out;
        out.reserve(n);
        for (int i = 0; i < n; ++i)
            out << v[i * dims + c];
        return out;
    };
    m_plot->graph(Particles)->setData(column(m_frame.pointsXt, 0), column(m_frame.pointsXt, 1));
    const bool x0 = m_showX0->isChecked() && !m_frame.pointsX0.isEmpty();
    m_plot->graph(X0)->setData(x0 ? column(m_frame.pointsX0, 0) : QVector<double>(),
                               x0 ? column(m_frame.pointsX0, 1) : QVector<double>());
    m_plot->graph(Selected)->data()->clear();
    if (m_selected >= 0 && m_selected < n)
        m_plot->graph(Selected)->addData(m_frame.pointsXt[m_selected * dims], m_frame.pointsXt[m_selected * dims + 1]);

    const bool noise = m_showNoise->isChecked() && m_frame.pointsEps.size() >= n * dims;
    const int arrows = noise ? std::min(n, kMaxArrows) : 0;
    for (int a = 0; a < kMaxArrows; ++a) {
        QCPItemLine* arrow = m_arrows[static_cast<size_t>(a)];
        if (a >= arrows) {
            arrow->setVisible(false);
            continue;
        }
        const int i = static_cast<int>(static_cast<long long>(a) * n / arrows); // evenly over the batch
        const double x = m_frame.pointsXt[i * dims], y = m_frame.pointsXt[i * dims + 1];
        arrow->start->setCoords(x, y);
        arrow->end->setCoords(x - kArrowScale * m_frame.pointsEps[i * dims], y - kArrowScale * m_frame.pointsEps[i * dims + 1]);
        arrow->setVisible(true);
    }
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

bool ParticleView::showsX0() const { return m_showX0->isChecked(); }
void ParticleView::setShowX0(bool on) { m_showX0->setChecked(on); }
bool ParticleView::showsNoise() const { return m_showNoise->isChecked(); }
void ParticleView::setShowNoise(bool on) { m_showNoise->setChecked(on); }

int ParticleView::particleCount() const
{
    return m_plot->graph(Particles)->dataCount();
}

int ParticleView::arrowCount() const
{
    return static_cast<int>(std::count_if(m_arrows.begin(), m_arrows.end(), [](QCPItemLine* a) { return a->visible(); }));
}

} // namespace ddpm::ui
