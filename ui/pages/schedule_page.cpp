#include "pages/schedule_page.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSignalBlocker>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>

#include "ddpm/error.h"
#include "ddpm/schedule_io.h"
#include "widgets/export.h"
#include "widgets/plot.h"
#include "widgets/schedule_selector.h"

namespace ddpm::ui {

struct SchedulePage::Row {
    ScheduleChoice choice;
    NoiseSchedule schedule;
    QColor colour;
    QWidget* widget = nullptr;
    ScheduleSelector* selector = nullptr;
    QToolButton* remove = nullptr;
};

namespace {

const QString kKeySchedules = QStringLiteral("schedule/schedules");
const QString kKeyView = QStringLiteral("schedule/view");
const QString kKeyLogY = QStringLiteral("schedule/logY");
const QString kKeyNormalised = QStringLiteral("schedule/normalisedT");

/// Okabe-Ito colours: distinct for most forms of colour blindness (yellow left out: too pale on white).
const QList<QColor>& plotColours()
{
    static const QList<QColor> colours = {
        QColor(0x00, 0x72, 0xB2), QColor(0xD5, 0x5E, 0x00), QColor(0x00, 0x9E, 0x73),
        QColor(0xCC, 0x79, 0xA7), QColor(0xE6, 0x9F, 0x00), QColor(0x56, 0xB4, 0xE9),
        QColor(0x33, 0x33, 0x33), QColor(0x99, 0x99, 0x99),
    };
    return colours;
}

struct QuantityText {
    const char* key;    ///< settings value of the single-quantity view
    QString title;      ///< plot title
    QString shortName;  ///< view menu and readout header
    bool logAllowed;    ///< whether the log-y toggle applies
};

const QuantityText& quantityText(int index)
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

/// Where the legend sits in a single-quantity view: the corner the curves leave empty.
Qt::Alignment legendCorner(int quantityIndex, bool logY)
{
    switch (quantityIndex) {
    case 0: return Qt::AlignTop | Qt::AlignLeft;      // beta rises
    case 3: return Qt::AlignBottom | Qt::AlignRight;  // sqrt(1 - alpha_bar) rises
    default: return logY && quantityIndex != 4 ? Qt::AlignBottom | Qt::AlignLeft : Qt::AlignTop | Qt::AlignRight;
    }
}

QString csvField(const QString& text)
{
    if (!text.contains(QLatin1Char(',')) && !text.contains(QLatin1Char('"')) && !text.contains(QLatin1Char('\n')))
        return text;
    QString quoted = text;
    quoted.replace(QLatin1String("\""), QLatin1String("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

QString formatValue(double v)
{
    if (std::isnan(v))
        return QStringLiteral("nan");
    if (std::isinf(v))
        return v < 0 ? QStringLiteral("−∞") : QStringLiteral("∞");
    return QString::number(v, 'g', 6);
}

QPixmap swatch(const QColor& colour)
{
    QPixmap pixmap(14, 14);
    pixmap.fill(colour);
    return pixmap;
}

} // namespace

const std::vector<Quantity>& SchedulePage::plottedQuantities()
{
    static const std::vector<Quantity> quantities = {Quantity::Beta, Quantity::AlphaBar, Quantity::SqrtAlphaBar,
                                                     Quantity::SqrtOneMinusAlphaBar, Quantity::LogSnr};
    return quantities;
}

SchedulePage::SchedulePage(QWidget* parent)
    : QWidget(parent)
{
    buildControls();
    QList<ScheduleChoice> defaults(2);
    defaults[1].name = QStringLiteral("cosine");
    setSchedules(defaults);
}

SchedulePage::~SchedulePage() = default;

void SchedulePage::buildControls()
{
    // Schedules to compare: one row each, and an Add button.
    auto* listBox = new QGroupBox(tr("Schedules to compare"), this);
    auto* listLayout = new QVBoxLayout(listBox);
    m_rowLayout = new QVBoxLayout;
    m_rowLayout->setSpacing(2);
    listLayout->addLayout(m_rowLayout);
    m_addButton = new QPushButton(tr("Add schedule"), listBox);
    m_addButton->setToolTip(tr("Add another schedule to the plots"));
    auto* addRow = new QHBoxLayout;
    addRow->addWidget(m_addButton);
    addRow->addStretch(1);
    listLayout->addLayout(addRow);
    listLayout->addStretch(1);
    connect(m_addButton, &QPushButton::clicked, this, [this] {
        ScheduleChoice next;
        next.steps = m_rows.empty() ? 1000 : m_rows.back()->choice.steps;
        // The first named schedule not shown yet at that T.
        for (const std::string& name : NoiseSchedule::namedSchedules()) {
            next.name = QString::fromStdString(name);
            const bool shown = std::any_of(m_rows.begin(), m_rows.end(), [&](const auto& row) {
                return row->choice.name == next.name && row->choice.steps == next.steps;
            });
            if (!shown)
                break;
        }
        addSchedule(next);
    });

    // View: which quantities, x as t or t/T, linear or log y, export.
    auto* viewBox = new QGroupBox(tr("View"), this);
    auto* form = new QFormLayout(viewBox);
    m_viewCombo = new QComboBox(viewBox);
    m_viewCombo->addItem(tr("All quantities (grid)"));
    for (int i = 0; i < static_cast<int>(plottedQuantities().size()); ++i)
        m_viewCombo->addItem(quantityText(i).shortName);
    m_viewCombo->setToolTip(tr("Show every quantity in a grid, or one of them large"));
    form->addRow(tr("Show"), m_viewCombo);
    m_normalisedCheck = new QCheckBox(tr("normalised t / T"), viewBox);
    m_normalisedCheck->setToolTip(tr("Put schedules with different T on one axis from 0 to 1"));
    form->addRow(tr("x axis"), m_normalisedCheck);
    m_logYCheck = new QCheckBox(tr("logarithmic"), viewBox);
    m_logYCheck->setToolTip(tr("Log y axes for βₜ, ᾱₜ and the square roots; values ≤ 0 are left out.\n"
                               "log SNR is already logarithmic and stays linear."));
    form->addRow(tr("y axis"), m_logYCheck);
    auto* savePlotButton = new QPushButton(tr("Save plot…"), viewBox);
    savePlotButton->setToolTip(tr("Save the plots as PNG or PDF"));
    auto* saveCsvButton = new QPushButton(tr("Save CSV…"), viewBox);
    saveCsvButton->setToolTip(tr("Save every schedule's tables (the CLI's columns) as one CSV file"));
    auto* saveRow = new QHBoxLayout;
    saveRow->addWidget(savePlotButton);
    saveRow->addWidget(saveCsvButton);
    form->addRow(tr("Export"), saveRow);

    connect(m_viewCombo, qOverload<int>(&QComboBox::activated), this,
            [this](int index) { setView(static_cast<View>(index)); });
    connect(m_normalisedCheck, &QCheckBox::toggled, this, &SchedulePage::setNormalisedT);
    connect(m_logYCheck, &QCheckBox::toggled, this, &SchedulePage::setLogY);
    connect(savePlotButton, &QPushButton::clicked, this, &SchedulePage::askExportPlot);
    connect(saveCsvButton, &QPushButton::clicked, this, &SchedulePage::askExportCsv);

    auto* top = new QHBoxLayout;
    top->addWidget(listBox, 1);
    top->addWidget(viewBox, 0);

    m_plot = new QCustomPlot(this);
    m_plot->setObjectName(QStringLiteral("schedulePlot"));
    m_plot->setMinimumHeight(320);
    m_plot->setMouseTracking(true);
    m_plot->setAutoAddPlottableToLegend(false);
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    // QCustomPlot's own "overlay" layer (top, buffered): the hover line and tracers replot
    // alone on a mouse move, without redrawing every curve.
    m_overlay = m_plot->layer(QStringLiteral("overlay"));
    m_overlay->setMode(QCPLayer::lmBuffered);
    m_plot->legend->setVisible(true);
    m_plot->legend->setBrush(QColor(255, 255, 255, 220));
    m_plot->legend->setBorderPen(QPen(QColor(0xBB, 0xBB, 0xBB)));
    connect(m_plot, &QCustomPlot::mouseMove, this, &SchedulePage::onPlotMouseMove);
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

    auto* hint = new QLabel(tr("Values at the t under the mouse. Drag or scroll on a plot to zoom t; "
                               "double-click to see all of it again."),
                            this);
    hint->setForegroundRole(QPalette::PlaceholderText);
    hint->setWordWrap(true);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_plot, 1);
    layout->addWidget(hint);
    layout->addWidget(m_readout);
}

// ---- the list of schedules ----------------------------------------------------------------

QList<ScheduleChoice> SchedulePage::schedules() const
{
    QList<ScheduleChoice> out;
    for (const auto& row : m_rows)
        out << row->choice;
    return out;
}

bool SchedulePage::setSchedules(const QList<ScheduleChoice>& choices)
{
    if (choices.isEmpty()) {
        reportError(tr("Show at least one schedule."));
        return false;
    }
    std::vector<std::unique_ptr<Row>> rows;
    for (const ScheduleChoice& choice : choices) {
        try {
            const QColor colour = plotColours().at(static_cast<int>(rows.size()) % plotColours().size());
            rows.push_back(std::make_unique<Row>(Row{choice, choice.build(), colour}));
        } catch (const std::exception& e) {
            reportError(tr("Cannot show the schedule %1: %2").arg(choice.label(), QString::fromUtf8(e.what())));
            return false;
        }
    }
    for (auto& row : m_rows)
        discardRowWidget(*row);
    m_rows = std::move(rows);
    for (auto& row : m_rows)
        m_rowLayout->addWidget(makeRowWidget(*row));
    refreshRows();
    resetXRange();
    rebuildPlot();
    Q_EMIT schedulesChanged();
    return true;
}

bool SchedulePage::addSchedule(const ScheduleChoice& choice)
{
    try {
        m_rows.push_back(std::make_unique<Row>(Row{choice, choice.build(), unusedColour()}));
    } catch (const std::exception& e) {
        reportError(tr("Cannot add the schedule %1: %2").arg(choice.label(), QString::fromUtf8(e.what())));
        return false;
    }
    m_rowLayout->addWidget(makeRowWidget(*m_rows.back()));
    refreshRows();
    resetXRange();
    rebuildPlot();
    Q_EMIT schedulesChanged();
    return true;
}

bool SchedulePage::setScheduleAt(int index, const ScheduleChoice& choice)
{
    if (index < 0 || index >= static_cast<int>(m_rows.size()))
        return false;
    Row& row = *m_rows[static_cast<std::size_t>(index)];
    try {
        NoiseSchedule built = choice.build();
        row.schedule = std::move(built);
        row.choice = choice;
    } catch (const std::exception& e) {
        reportError(tr("Cannot show the schedule %1: %2").arg(choice.label(), QString::fromUtf8(e.what())));
        row.selector->setChoice(row.choice); // the controls go back to what is shown
        return false;
    }
    row.selector->setChoice(row.choice);
    resetXRange();
    rebuildPlot();
    Q_EMIT schedulesChanged();
    return true;
}

bool SchedulePage::removeSchedule(int index)
{
    if (index < 0 || index >= static_cast<int>(m_rows.size()) || m_rows.size() <= 1)
        return false;
    discardRowWidget(*m_rows[static_cast<std::size_t>(index)]);
    m_rows.erase(m_rows.begin() + index);
    refreshRows();
    resetXRange();
    rebuildPlot();
    Q_EMIT schedulesChanged();
    return true;
}

const NoiseSchedule& SchedulePage::schedule(int index) const
{
    return m_rows.at(static_cast<std::size_t>(index))->schedule;
}

QColor SchedulePage::unusedColour() const
{
    for (const QColor& colour : plotColours()) {
        const bool used = std::any_of(m_rows.begin(), m_rows.end(), [&](const auto& row) { return row->colour == colour; });
        if (!used)
            return colour;
    }
    return plotColours().at(static_cast<int>(m_rows.size()) % plotColours().size());
}

QWidget* SchedulePage::makeRowWidget(Row& row)
{
    row.widget = new QWidget(this);
    auto* layout = new QHBoxLayout(row.widget);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* colourLabel = new QLabel(row.widget);
    colourLabel->setPixmap(swatch(row.colour));
    colourLabel->setToolTip(tr("Colour of this schedule in the plots"));
    row.selector = new ScheduleSelector(row.widget);
    row.selector->setChoice(row.choice);
    row.remove = new QToolButton(row.widget);
    row.remove->setText(tr("Remove"));
    row.remove->setToolTip(tr("Remove this schedule from the plots"));
    layout->addWidget(colourLabel);
    layout->addWidget(row.selector);
    layout->addWidget(row.remove);
    layout->addStretch(1);

    Row* rowPtr = &row;
    auto indexOf = [this, rowPtr] {
        for (std::size_t i = 0; i < m_rows.size(); ++i)
            if (m_rows[i].get() == rowPtr)
                return static_cast<int>(i);
        return -1;
    };
    connect(row.selector, &ScheduleSelector::choiceChanged, this, [this, indexOf, rowPtr](const ScheduleChoice& choice) {
        if (choice != rowPtr->choice)
            setScheduleAt(indexOf(), choice);
    });
    connect(row.remove, &QToolButton::clicked, this, [this, indexOf] { removeSchedule(indexOf()); });
    return row.widget;
}

void SchedulePage::discardRowWidget(Row& row)
{
    // Later, not now: the row's own Remove button may be the sender of the signal being handled.
    row.selector->disconnect(this);
    row.remove->disconnect(this);
    m_rowLayout->removeWidget(row.widget);
    row.widget->hide();
    row.widget->deleteLater();
    row.widget = nullptr;
}

void SchedulePage::refreshRows()
{
    for (auto& row : m_rows)
        row->remove->setEnabled(m_rows.size() > 1);
}

// ---- view options -------------------------------------------------------------------------

void SchedulePage::setView(View view)
{
    m_view = view;
    const QSignalBlocker block(m_viewCombo);
    m_viewCombo->setCurrentIndex(static_cast<int>(view));
    rebuildPlot();
}

void SchedulePage::setLogY(bool on)
{
    m_logY = on;
    const QSignalBlocker block(m_logYCheck);
    m_logYCheck->setChecked(on);
    rebuildPlot();
}

void SchedulePage::setNormalisedT(bool on)
{
    if (on != m_normalisedT && m_hoverX >= 0) // keep the readout on the same place of the axis
        m_hoverX = on ? m_hoverX / maxSteps() : m_hoverX * maxSteps();
    m_normalisedT = on;
    const QSignalBlocker block(m_normalisedCheck);
    m_normalisedCheck->setChecked(on);
    resetXRange();
    rebuildPlot();
}

double SchedulePage::maxSteps() const
{
    int T = 1;
    for (const auto& row : m_rows)
        T = std::max(T, row->schedule.steps());
    return T;
}

void SchedulePage::resetXRange()
{
    // rebuildPlot() applies the default range to every axis rect it creates; existing rects
    // are rebuilt too, so dropping the rects is all a reset needs.
    if (!m_rects.empty()) {
        const QCPRange range = m_normalisedT ? QCPRange(0.0, 1.0) : QCPRange(0.0, maxSteps());
        m_syncingX = true;
        for (QCPAxisRect* rect : m_rects)
            if (rect)
                rect->axis(QCPAxis::atBottom)->setRange(range);
        m_syncingX = false;
    }
}

// ---- the plot -----------------------------------------------------------------------------

QCPGraph* SchedulePage::graph(int index, Quantity q) const
{
    const auto& quantities = plottedQuantities();
    const auto it = std::find(quantities.begin(), quantities.end(), q);
    if (index < 0 || index >= static_cast<int>(m_graphs.size()) || it == quantities.end())
        return nullptr;
    return m_graphs[static_cast<std::size_t>(index)][static_cast<std::size_t>(it - quantities.begin())];
}

void SchedulePage::rebuildPlot()
{
    // Keep a zoomed x range across rebuilds that do not change the axis.
    QCPRange xRange = m_normalisedT ? QCPRange(0.0, 1.0) : QCPRange(0.0, maxSteps());
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
    m_graphs.assign(m_rows.size(), std::vector<QCPGraph*>(static_cast<std::size_t>(nq), nullptr));
    m_tracers.assign(m_rows.size(), std::vector<QCPItemTracer*>(static_cast<std::size_t>(nq), nullptr));

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
        auto* title = new QCPTextElement(m_plot, text.title, titleFont);
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
            axis->grid()->setPen(QPen(QColor(0xE0, 0xE0, 0xE0), 0));
            axis->grid()->setSubGridVisible(logAxis && axis == y);
            axis->grid()->setSubGridPen(QPen(QColor(0xF0, 0xF0, 0xF0), 0));
        }
        m_rects[static_cast<std::size_t>(qi)] = rect;

        // One graph per schedule; y range from the finite (and, on log axes, positive) values.
        double lo = std::numeric_limits<double>::infinity();
        double hi = -lo;
        for (std::size_t r = 0; r < m_rows.size(); ++r) {
            const Row& row = *m_rows[r];
            const std::vector<double>& table = row.schedule.table(quantities[static_cast<std::size_t>(qi)]);
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

    updateReadout();
    m_plot->replot();
}

void SchedulePage::onPlotMouseMove(QMouseEvent* event)
{
    QCPAxisRect* rect = m_plot->axisRectAt(event->position());
    if (!rect || !rect->rect().contains(event->position().toPoint()))
        return;
    showValuesAt(rect->axis(QCPAxis::atBottom)->pixelToCoord(event->position().x()));
}

void SchedulePage::showValuesAt(double x)
{
    m_hoverX = x;
    updateReadout();
    if (m_overlay)
        m_overlay->replot();
}

void SchedulePage::updateReadout()
{
    const auto& quantities = plottedQuantities();
    const int nq = static_cast<int>(quantities.size());
    const double T = maxSteps();
    double x = m_hoverX;
    if (x < 0)
        x = m_normalisedT ? 0.5 : std::ceil(T / 2.0);
    if (!m_normalisedT)
        x = std::round(x);

    m_readout->setRowCount(static_cast<int>(m_rows.size()));
    for (std::size_t r = 0; r < m_rows.size(); ++r) {
        const Row& row = *m_rows[r];
        const int steps = row.schedule.steps();
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
        nameItem->setIcon(QIcon(swatch(row.colour)));
        setCell(1, inRange ? QString::number(t) : tr("beyond T"));
        for (int qi = 0; qi < nq; ++qi) {
            const double v = inRange ? row.schedule.at(quantities[static_cast<std::size_t>(qi)], static_cast<int>(t))
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

    // Tall enough for every row (up to six), no taller.
    const int visibleRows = std::clamp(static_cast<int>(m_rows.size()), 1, 6);
    const int rowHeight = m_readout->verticalHeader()->defaultSectionSize();
    m_readout->setFixedHeight(m_readout->horizontalHeader()->sizeHint().height() + visibleRows * rowHeight +
                              2 * m_readout->frameWidth() + 2);
}

// ---- export -------------------------------------------------------------------------------

bool SchedulePage::exportPlot(const QString& path)
{
    return savePlot(this, m_plot, path);
}

QString SchedulePage::csvText() const
{
    QString out;
    for (std::size_t r = 0; r < m_rows.size(); ++r) {
        const Row& row = *m_rows[r];
        const QString csv = QString::fromStdString(ddpm::scheduleToCsv(row.schedule));
        const QStringList lines = csv.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        if (lines.isEmpty())
            continue;
        if (r == 0)
            out += QStringLiteral("schedule,steps,zero_terminal_snr,") + lines.front() + QLatin1Char('\n');
        const QString prefix = csvField(row.choice.name) + QLatin1Char(',') + QString::number(row.schedule.steps()) +
                               QLatin1Char(',') + (row.choice.zeroTerminalSnr ? QLatin1Char('1') : QLatin1Char('0')) +
                               QLatin1Char(',');
        for (int i = 1; i < lines.size(); ++i)
            out += prefix + lines[i] + QLatin1Char('\n');
    }
    return out;
}

bool SchedulePage::exportCsv(const QString& path)
{
    return saveText(this, path, csvText());
}

void SchedulePage::askExportPlot()
{
    const QString path = askSavePath(this, tr("Save schedule plots"), QStringLiteral("schedules.png"),
                                     tr("PNG image (*.png);;PDF document (*.pdf)"));
    if (!path.isEmpty())
        exportPlot(path);
}

void SchedulePage::askExportCsv()
{
    const QString path = askSavePath(this, tr("Save schedule tables"), QStringLiteral("schedules.csv"),
                                     tr("CSV table (*.csv)"));
    if (!path.isEmpty())
        exportCsv(path);
}

void SchedulePage::reportError(const QString& message)
{
    Q_EMIT errorReported(message);
    // Not exec(): the page stays responsive and tests can find the box among its children.
    auto* box = new QMessageBox(QMessageBox::Warning, tr("Schedule"), message, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowModality(Qt::WindowModal);
    box->open();
}

// ---- settings -----------------------------------------------------------------------------

void SchedulePage::saveSettings(QSettings& settings) const
{
    QVariantList list;
    for (const auto& row : m_rows) {
        QVariantMap entry;
        entry[QStringLiteral("name")] = row->choice.name;
        entry[QStringLiteral("steps")] = row->choice.steps;
        entry[QStringLiteral("zeroTerminalSnr")] = row->choice.zeroTerminalSnr;
        list << entry;
    }
    settings.setValue(kKeySchedules, list);
    settings.setValue(kKeyView, m_view == View::Grid ? QStringLiteral("grid")
                                                      : QString::fromLatin1(quantityText(static_cast<int>(m_view) - 1).key));
    settings.setValue(kKeyLogY, m_logY);
    settings.setValue(kKeyNormalised, m_normalisedT);
}

void SchedulePage::restoreSettings(const QSettings& settings)
{
    const QString viewKey = settings.value(kKeyView, QStringLiteral("grid")).toString();
    View view = View::Grid;
    for (int i = 0; i < static_cast<int>(plottedQuantities().size()); ++i)
        if (viewKey == QLatin1String(quantityText(i).key))
            view = static_cast<View>(i + 1);
    m_view = view;
    m_logY = settings.value(kKeyLogY, false).toBool();
    m_normalisedT = settings.value(kKeyNormalised, false).toBool();
    {
        const QSignalBlocker b1(m_viewCombo), b2(m_logYCheck), b3(m_normalisedCheck);
        m_viewCombo->setCurrentIndex(static_cast<int>(m_view));
        m_logYCheck->setChecked(m_logY);
        m_normalisedCheck->setChecked(m_normalisedT);
    }
    m_hoverX = -1.0;

    QList<ScheduleChoice> choices;
    QStringList skipped;
    for (const QVariant& value : settings.value(kKeySchedules).toList()) {
        const QVariantMap entry = value.toMap();
        ScheduleChoice choice;
        choice.name = entry.value(QStringLiteral("name"), choice.name).toString();
        choice.steps = entry.value(QStringLiteral("steps"), choice.steps).toInt();
        choice.zeroTerminalSnr = entry.value(QStringLiteral("zeroTerminalSnr"), false).toBool();
        try {
            (void)choice.build();
            choices << choice;
        } catch (const std::exception& e) {
            skipped << QStringLiteral("%1: %2").arg(choice.label(), QString::fromUtf8(e.what()));
        }
    }
    if (!skipped.isEmpty())
        reportError(tr("Saved schedules left out:\n%1").arg(skipped.join(QLatin1Char('\n'))));
    if (!choices.isEmpty())
        setSchedules(choices); // rebuilds the plot with the restored view
    else {
        resetXRange();
        rebuildPlot();
    }
}

} // namespace ddpm::ui
