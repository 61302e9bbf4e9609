#include "widgets/schedule_plots.h"

#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>

#include "widgets/plot.h"
#include "widgets/plot_style.h"
#include "widgets/wrapping_title.h"

namespace ddpm::ui {

namespace {

/// Where the legend sits in a single-quantity view: the corner the curves leave empty.
Qt::Alignment legendCorner(int quantityIndex, bool logY)
{
    switch (quantityIndex) {
    case 0: return Qt::AlignTop | Qt::AlignLeft;      // beta rises
    case 3: return Qt::AlignBottom | Qt::AlignRight;  // sqrt(1 - alpha_bar) rises
    default: return logY && quantityIndex != 4 ? Qt::AlignBottom | Qt::AlignLeft : Qt::AlignTop | Qt::AlignRight;
    }
}

QString formatValue(double v)
{
    if (std::isnan(v))
        return QStringLiteral("nan");
    if (std::isinf(v))
        return v < 0 ? QStringLiteral("−∞") : QStringLiteral("∞");
    return QString::number(v, 'g', 6);
}

} // namespace

const std::vector<Quantity>& SchedulePlots::plottedQuantities()
{
    static const std::vector<Quantity> quantities = {Quantity::Beta, Quantity::AlphaBar, Quantity::SqrtAlphaBar,
                                                     Quantity::SqrtOneMinusAlphaBar, Quantity::LogSnr};
    return quantities;
}

const SchedulePlots::QuantityText& SchedulePlots::quantityText(int index)
{
    static const QuantityText texts[] = {
        {"beta", QStringLiteral("βₜ: variance of the noise added at step t"), QStringLiteral("βₜ"), true},
        {"alpha_bar", QStringLiteral("ᾱₜ = ∏ₛ₌₁ᵗ (1 − βₛ): fraction of signal variance kept"),
         QStringLiteral("ᾱₜ"), true},
        {"sqrt_alpha_bar", QStringLiteral("√ᾱₜ: scale of x₀ in xₜ"), QStringLiteral("√ᾱₜ"), true},
        {"sqrt_one_minus_alpha_bar", QStringLiteral("√(1 − ᾱₜ): std of the noise in xₜ"),
         QStringLiteral("√(1 − ᾱₜ)"), true},
        {"log_snr", QStringLiteral("log SNR(t) = ln(ᾱₜ / (1 − ᾱₜ))"), QStringLiteral("log SNR"), false},
    };
    return texts[index];
}

SchedulePlots::SchedulePlots(QWidget* parent)
    : QWidget(parent)
{
    m_plot = new QCustomPlot(this);
    m_plot->setObjectName(QStringLiteral("schedulePlot"));
    m_plot->setMinimumHeight(260);
    m_plot->setMouseTracking(true);
    m_plot->setAutoAddPlottableToLegend(false);
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    // QCustomPlot's own "overlay" layer (top, buffered): the hover line and tracers replot
    // alone on a mouse move, without redrawing every curve.
    m_overlay = m_plot->layer(QStringLiteral("overlay"));
    m_overlay->setMode(QCPLayer::lmBuffered);
    m_plot->legend->setVisible(true); // on the background, framed: plot_style's palette colours
    connect(m_plot, &QCustomPlot::mouseMove, this, &SchedulePlots::onMouseMove);
    connect(m_plot, &QCustomPlot::mouseDoubleClick, this, [this](QMouseEvent*) {
        resetXRange();
        m_plot->replot();
    });

    m_readout = new QTableWidget(this);
    m_readout->setObjectName(QStringLiteral("readout"));
    m_readout->setColumnCount(2 + static_cast<int>(plottedQuantities().size()));
    QStringList headers = {tr("Schedule"), tr("t")};
    for (int i = 0; i < static_cast<int>(plottedQuantities().size()); ++i)
        headers << quantityText(i).shortName;
    m_readout->setHorizontalHeaderLabels(headers);
    m_readout->verticalHeader()->hide();
    m_readout->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_readout->setSelectionMode(QAbstractItemView::NoSelection);
    m_readout->setFocusPolicy(Qt::NoFocus);
    m_readout->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_readout->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_readout->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_readout->setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    m_readout->setToolTip(tr("Each schedule's values at the t under the mouse"));

    auto* hint = new QLabel(tr("Values at the t under the mouse. Scroll on a plot to zoom along t, drag to "
                               "pan; double-click to see all of t again."),
                            this);
    hint->setObjectName(QStringLiteral("plotHint"));
    hint->setForegroundRole(QPalette::PlaceholderText);
    hint->setWordWrap(true);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot, 1);
    layout->addWidget(hint);
    layout->addWidget(m_readout);
}

SchedulePlots::~SchedulePlots() = default;

// ---- options ------------------------------------------------------------------------------

void SchedulePlots::setSchedules(const std::vector<ShownSchedule>& shown)
{
    m_shown = shown;
    resetXRange();
    rebuild();
}

void SchedulePlots::setView(View view)
{
    m_view = view;
    rebuild();
}

void SchedulePlots::setLogY(bool on)
{
    m_logY = on;
    rebuild();
}

void SchedulePlots::setNormalisedT(bool on)
{
    if (on != m_normalisedT && m_hoverX >= 0) // keep the readout on the same place of the axis
        m_hoverX = on ? m_hoverX / maxSteps() : m_hoverX * maxSteps();
    m_normalisedT = on;
    resetXRange();
    rebuild();
}

void SchedulePlots::setOptions(View view, bool logY, bool normalisedT)
{
    m_view = view;
    m_logY = logY;
    m_normalisedT = normalisedT;
    m_hoverX = -1.0;
    resetXRange();
    rebuild();
}

QCPRange SchedulePlots::fullXRange() const
{
    // A little room past T, so the last pixels of a plot read t = T (not T - a few).
    const double end = m_normalisedT ? 1.0 : maxSteps();
    return QCPRange(0.0, end * 1.015);
}

double SchedulePlots::maxSteps() const
{
    int T = 1;
    for (const ShownSchedule& s : m_shown)
        T = std::max(T, s.schedule->steps());
    return T;
}

void SchedulePlots::resetXRange()
{
    // rebuild() applies the default range to every axis rect it creates; existing rects
    // are rebuilt too, so dropping the rects is all a reset needs.
    if (!m_rects.empty()) {
        const QCPRange range = fullXRange();
        m_syncingX = true;
        for (QCPAxisRect* rect : m_rects)
            if (rect)
                rect->axis(QCPAxis::atBottom)->setRange(range);
        m_syncingX = false;
    }
}

// ---- the plot -----------------------------------------------------------------------------

QCPGraph* SchedulePlots::graph(int index, Quantity q) const
{
    const auto& quantities = plottedQuantities();
    const auto it = std::find(quantities.begin(), quantities.end(), q);
    if (index < 0 || index >= static_cast<int>(m_graphs.size()) || it == quantities.end())
        return nullptr;
    return m_graphs[static_cast<std::size_t>(index)][static_cast<std::size_t>(it - quantities.begin())];
}

void SchedulePlots::rebuild()
{
    // Keep a zoomed x range across rebuilds that do not change the axis.
    QCPRange xRange = fullXRange();
    for (QCPAxisRect* rect : m_rects)
        if (rect) {
            xRange = rect->axis(QCPAxis::atBottom)->range();
            break;
        }

    m_plot->clearItems();
    m_plot->clearGraphs();
    if (m_plot->legend->layout())
        m_plot->legend->layout()->take(m_plot->legend);
    for (QCPMarginGroup* group : m_marginGroups)
        delete group;
    m_marginGroups.clear();
    m_plot->plotLayout()->clear();

    const auto& quantities = plottedQuantities();
    const int nq = static_cast<int>(quantities.size());
    const bool grid = m_view == View::Grid;
    m_rects.assign(static_cast<std::size_t>(nq), nullptr);
    m_lines.assign(static_cast<std::size_t>(nq), nullptr);
    m_graphs.assign(m_shown.size(), std::vector<QCPGraph*>(static_cast<std::size_t>(nq), nullptr));
    m_tracers.assign(m_shown.size(), std::vector<QCPItemTracer*>(static_cast<std::size_t>(nq), nullptr));

    const int columns = grid ? 3 : 1;
    if (grid) {
        for (int c = 0; c < columns; ++c)
            m_marginGroups.push_back(new QCPMarginGroup(m_plot));
    }
    QFont titleFont = font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.05);
    titleFont.setBold(true);

    int cellIndex = 0;
    for (int qi = 0; qi < nq; ++qi) {
        if (!grid && static_cast<int>(m_view) != qi + 1)
            continue;
        const QuantityText& text = quantityText(qi);
        const bool logAxis = m_logY && text.logAllowed;
        auto* cell = new QCPLayoutGrid;
        m_plot->plotLayout()->addElement(cellIndex / columns, cellIndex % columns, cell);
        auto* title = new WrappingTitle(m_plot, text.title, titleFont); // a narrow cell wraps it
        cell->addElement(0, 0, title);
        auto* rect = new QCPAxisRect(m_plot, true);
        cell->addElement(1, 0, rect);
        cell->setRowSpacing(0);
        if (grid)
            rect->setMarginGroup(QCP::msLeft | QCP::msRight, m_marginGroups[static_cast<std::size_t>(cellIndex % columns)]);
        rect->setMinimumMargins(QMargins(0, 0, 26, 0)); // room for the last x tick label
        rect->setRangeDrag(Qt::Horizontal);
        rect->setRangeZoom(Qt::Horizontal);
        QCPAxis* x = rect->axis(QCPAxis::atBottom);
        QCPAxis* y = rect->axis(QCPAxis::atLeft);
        x->setLabel(m_normalisedT ? tr("t / T") : tr("t"));
        if (logAxis) {
            y->setScaleType(QCPAxis::stLogarithmic);
            auto ticker = QSharedPointer<QCPAxisTickerLog>::create();
            ticker->setLogBase(10);
            y->setTicker(ticker);
            y->setNumberFormat(QStringLiteral("eb"));
            y->setNumberPrecision(0);
        } else {
            y->setScaleType(QCPAxis::stLinear);
            y->setNumberFormat(QStringLiteral("gb"));
            y->setNumberPrecision(4);
        }
        for (QCPAxis* axis : {x, y}) {
            // Solid hairlines; plot_style colours them from the palette (light or dark).
            axis->grid()->setPen(QPen(Qt::gray, 0));
            axis->grid()->setSubGridVisible(logAxis && axis == y);
            axis->grid()->setSubGridPen(QPen(Qt::gray, 0));
        }
        m_rects[static_cast<std::size_t>(qi)] = rect;

        // One graph per schedule; y range from the finite (and, on log axes, positive) values.
        double lo = std::numeric_limits<double>::infinity();
        double hi = -lo;
        for (std::size_t r = 0; r < m_shown.size(); ++r) {
            const ShownSchedule& row = m_shown[r];
            const std::vector<double>& table = row.schedule->table(quantities[static_cast<std::size_t>(qi)]);
            const int T = static_cast<int>(table.size());
            QVector<double> keys(T), values(T);
            for (int i = 0; i < T; ++i) {
                keys[i] = m_normalisedT ? double(i + 1) / T : double(i + 1);
                const double v = table[static_cast<std::size_t>(i)];
                const bool usable = std::isfinite(v) && (!logAxis || v > 0.0);
                values[i] = usable ? v : std::numeric_limits<double>::quiet_NaN();
                if (usable) {
                    lo = std::min(lo, v);
                    hi = std::max(hi, v);
                }
            }
            QCPGraph* g = m_plot->addGraph(x, y);
            g->setName(row.choice.label());
            g->setPen(QPen(row.colour, 2.0));
            g->setData(keys, values, true);
            if (T == 1)
                g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 6));
            if (cellIndex == 0)
                g->addToLegend();
            m_graphs[r][static_cast<std::size_t>(qi)] = g;

            auto* tracer = new QCPItemTracer(m_plot);
            tracer->setLayer(m_overlay);
            tracer->setClipAxisRect(rect);
            tracer->position->setAxes(x, y);
            tracer->setStyle(QCPItemTracer::tsCircle);
            tracer->setSize(7);
            tracer->setPen(QPen(row.colour, 1.5));
            tracer->setBrush(Qt::white);
            tracer->setVisible(false);
            m_tracers[r][static_cast<std::size_t>(qi)] = tracer;
        }
        if (!std::isfinite(lo)) {
            lo = logAxis ? 1e-5 : 0.0;
            hi = 1.0;
        }
        if (logAxis) {
            const double pad = std::pow(hi / lo, 0.04);
            y->setRange(lo / (pad > 1.0 ? pad : 2.0), hi * (pad > 1.0 ? pad : 2.0));
        } else {
            const double span = hi - lo;
            const double pad = span > 0 ? 0.04 * span : std::max(0.5, std::abs(hi) * 0.1);
            y->setRange(lo - pad, hi + pad);
        }
        x->setRange(xRange);

        auto* line = new QCPItemStraightLine(m_plot);
        line->setLayer(m_overlay);
        line->setClipAxisRect(rect);
        line->point1->setAxes(x, y);
        line->point2->setAxes(x, y);
        line->setPen(QPen(QColor(0x80, 0x80, 0x80), 1.0, Qt::DashLine));
        line->setVisible(false);
        m_lines[static_cast<std::size_t>(qi)] = line;

        connect(x, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this, [this, x](const QCPRange& range) {
            if (m_syncingX)
                return;
            m_syncingX = true;
            for (QCPAxisRect* other : m_rects)
                if (other && other->axis(QCPAxis::atBottom) != x)
                    other->axis(QCPAxis::atBottom)->setRange(range);
            m_syncingX = false;
        });
        ++cellIndex;
    }

    // The legend: in the grid's sixth cell, or inside the single plot where the curves are not.
    if (grid) {
        auto* inset = new QCPLayoutInset;
        m_plot->plotLayout()->addElement(1, 2, inset);
        inset->addElement(m_plot->legend, Qt::AlignVCenter | Qt::AlignHCenter);
    } else {
        const int qi = static_cast<int>(m_view) - 1;
        m_rects[static_cast<std::size_t>(qi)]->insetLayout()->addElement(m_plot->legend, legendCorner(qi, m_logY));
    }
    m_plot->legend->setVisible(true);
    applyApplicationFont(m_plot);

    updateReadout();
    m_plot->replot();
}

void SchedulePlots::onMouseMove(QMouseEvent* event)
{
    QCPAxisRect* rect = m_plot->axisRectAt(event->position());
    if (!rect || !rect->rect().contains(event->position().toPoint()))
        return;
    showValuesAt(rect->axis(QCPAxis::atBottom)->pixelToCoord(event->position().x()));
}

void SchedulePlots::setHoverShown(bool shown)
{
    m_overlay->setVisible(shown);
    m_overlay->replot();
}

void SchedulePlots::showValuesAt(double x)
{
    m_hoverX = x;
    updateReadout();
    if (m_overlay)
        m_overlay->replot();
}

void SchedulePlots::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange)
        updateReadout(); // the table's height follows its rows' text (presentation mode)
}

void SchedulePlots::updateReadout()
{
    const auto& quantities = plottedQuantities();
    const int nq = static_cast<int>(quantities.size());
    const double T = maxSteps();
    double x = m_hoverX;
    if (x < 0)
        x = m_normalisedT ? 0.5 : std::ceil(T / 2.0);
    // Past the last step (the axis runs a little beyond T) reads as t = T.
    x = std::min(x, m_normalisedT ? 1.0 : T);
    if (!m_normalisedT)
        x = std::max(1.0, std::round(x));

    m_readout->setRowCount(static_cast<int>(m_shown.size()));
    for (std::size_t r = 0; r < m_shown.size(); ++r) {
        const ShownSchedule& row = m_shown[r];
        const int steps = row.schedule->steps();
        long t = m_normalisedT ? std::lround(x * steps) : std::lround(x);
        t = std::max(1L, t);
        const bool inRange = t <= steps;
        const int tableRow = static_cast<int>(r);

        auto setCell = [&](int column, const QString& text) {
            QTableWidgetItem* item = m_readout->item(tableRow, column);
            if (!item) {
                item = new QTableWidgetItem;
                m_readout->setItem(tableRow, column, item);
            }
            item->setText(text);
            item->setTextAlignment(column == 0 ? Qt::Alignment(Qt::AlignLeft | Qt::AlignVCenter)
                                              : Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
            return item;
        };
        QTableWidgetItem* nameItem = setCell(0, row.choice.label());
        nameItem->setIcon(QIcon(colourSwatch(row.colour)));
        setCell(1, inRange ? QString::number(t) : tr("beyond T"));
        for (int qi = 0; qi < nq; ++qi) {
            const double v = inRange ? row.schedule->at(quantities[static_cast<std::size_t>(qi)], static_cast<int>(t))
                                     : std::numeric_limits<double>::quiet_NaN();
            setCell(2 + qi, inRange ? formatValue(v) : QString());
            if (r < m_tracers.size()) {
                QCPItemTracer* tracer = m_tracers[r][static_cast<std::size_t>(qi)];
                if (!tracer)
                    continue;
                const bool logAxis = m_logY && quantityText(qi).logAllowed;
                const bool drawable = m_hoverX >= 0 && inRange && std::isfinite(v) && (!logAxis || v > 0.0);
                tracer->setVisible(drawable);
                if (drawable)
                    tracer->position->setCoords(m_normalisedT ? double(t) / steps : double(t), v);
            }
        }
    }
    for (QCPItemStraightLine* line : m_lines) {
        if (!line)
            continue;
        line->setVisible(m_hoverX >= 0);
        line->point1->setCoords(x, 0.0);
        line->point2->setCoords(x, 1.0);
    }

    // Tall enough for every row up to three (more scroll), no taller: the plots keep the room.
    const int visibleRows = std::clamp(static_cast<int>(m_shown.size()), 1, 3);
    const int rowHeight = m_readout->verticalHeader()->defaultSectionSize();
    m_readout->setFixedHeight(m_readout->horizontalHeader()->sizeHint().height() + visibleRows * rowHeight +
                              2 * m_readout->frameWidth() + 2);
}

} // namespace ddpm::ui
