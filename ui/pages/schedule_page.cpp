#include "pages/schedule_page.h"

#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSignalBlocker>
#include <QVBoxLayout>

#include "ddpm/schedule_io.h"
#include "widgets/export.h"
#include "widgets/lesson_panel.h"
#include "widgets/message_text.h"
#include "widgets/schedule_list.h"

#include <algorithm>

namespace ddpm::ui {

namespace {

const QString kKeySchedules = QStringLiteral("schedule/schedules");
const QString kKeyView = QStringLiteral("schedule/view");
const QString kKeyLogY = QStringLiteral("schedule/logY");
const QString kKeyNormalised = QStringLiteral("schedule/normalisedT");

QString csvField(const QString& text)
{
    if (!text.contains(QLatin1Char(',')) && !text.contains(QLatin1Char('"')) && !text.contains(QLatin1Char('\n')))
        return text;
    QString quoted = text;
    quoted.replace(QLatin1String("\""), QLatin1String("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

} // namespace

const std::vector<Quantity>& SchedulePage::plottedQuantities()
{
    return SchedulePlots::plottedQuantities();
}

SchedulePage::SchedulePage(QWidget* parent)
    : QWidget(parent)
{
    m_list = new ScheduleList(this);
    m_plots = new SchedulePlots(this);
    connect(m_list, &ScheduleList::failed, this, &SchedulePage::reportError);
    connect(m_list, &ScheduleList::changed, this, &SchedulePage::onSchedulesChanged);
    connect(m_list, &ScheduleList::useRequested, this, &SchedulePage::useSchedule);

    // The controls take the height they need; the plots take the rest. The lesson sits beside
    // the controls where the page is wide enough for it to be read there (placeLesson), so the
    // plots keep every line of the page's height, and under them where it is not.
    m_viewBox = buildViewBox();
    m_lesson = new LessonPanel(QStringLiteral("schedule"), this);
    m_controls = new QHBoxLayout;
    m_controls->addWidget(m_list, 0);
    m_controls->addWidget(m_viewBox, 0);
    m_layout = new QVBoxLayout(this);
    m_layout->addLayout(m_controls);
    m_layout->addWidget(m_plots, 1);
    placeLesson();

    QList<ScheduleChoice> defaults(2);
    defaults[1].name = QStringLiteral("cosine");
    setSchedules(defaults);
}

SchedulePage::~SchedulePage() = default;

bool SchedulePage::lessonBesideControls() const
{
    return m_controls->indexOf(m_lesson) >= 0;
}

void SchedulePage::placeLesson()
{
    // Beside the controls when they keep the width they ask for and the lesson still gets a
    // width it can be read at; otherwise in a row of its own under them.
    const QMargins margins = m_layout->contentsMargins();
    const int room = width() - margins.left() - margins.right();
    const int spacing = std::max(0, m_controls->spacing());
    const int controls = m_list->sizeHint().width() + spacing + m_viewBox->sizeHint().width();
    const bool beside = room >= controls + spacing + m_lesson->readableWidth();
    const bool placed = lessonBesideControls() || m_layout->indexOf(m_lesson) >= 0;
    if (placed && beside == lessonBesideControls())
        return;
    m_controls->removeWidget(m_lesson);
    m_layout->removeWidget(m_lesson);
    if (beside)
        m_controls->addWidget(m_lesson, 1);
    else
        m_layout->insertWidget(1, m_lesson); // between the controls and the plots
}

bool SchedulePage::event(QEvent* event)
{
    // A new width, or new size hints of the controls (presentation mode's font, another
    // schedule row), may move the lesson.
    if (event->type() == QEvent::Resize || event->type() == QEvent::LayoutRequest)
        placeLesson();
    return QWidget::event(event);
}

QWidget* SchedulePage::buildViewBox()
{
    // View: which quantities, x as t or t/T, linear or log y, export.
    auto* viewBox = new QGroupBox(tr("View"), this);
    viewBox->setObjectName(QStringLiteral("scheduleView"));
    auto* form = new QFormLayout(viewBox);
    m_viewCombo = new QComboBox(viewBox);
    m_viewCombo->addItem(tr("All quantities (grid)"));
    for (int i = 0; i < static_cast<int>(plottedQuantities().size()); ++i)
        m_viewCombo->addItem(SchedulePlots::quantityText(i).shortName);
    m_viewCombo->setToolTip(tr("Show every quantity in a grid, or one of them large: βₜ, ᾱₜ, √ᾱₜ, √(1 − ᾱₜ) "
                               "or log SNR = ln(ᾱₜ / (1 − ᾱₜ))"));
    form->addRow(tr("Show"), m_viewCombo);
    m_normalisedCheck = new QCheckBox(tr("normalised t / T"), viewBox);
    m_normalisedCheck->setToolTip(tr("x axis t / T from 0 to 1: schedules with different T on one axis"));
    form->addRow(tr("x axis"), m_normalisedCheck);
    m_logYCheck = new QCheckBox(tr("logarithmic"), viewBox);
    form->addRow(tr("y axis"), m_logYCheck);
    auto* savePlotButton = new QPushButton(tr("Save plot…"), viewBox);
    savePlotButton->setToolTip(tr("Save the plots as PNG or PDF"));
    auto* saveCsvButton = new QPushButton(tr("Save CSV…"), viewBox);
    saveCsvButton->setToolTip(tr("Save every schedule's tables (the CLI's columns) as one CSV file"));
    auto* saveRow = new QHBoxLayout;
    saveRow->addWidget(savePlotButton);
    saveRow->addWidget(saveCsvButton);
    form->addRow(saveRow); // across both columns: the box stays narrow in presentation mode

    connect(m_viewCombo, qOverload<int>(&QComboBox::activated), this,
            [this](int index) { setView(static_cast<View>(index)); });
    connect(m_normalisedCheck, &QCheckBox::toggled, this, &SchedulePage::setNormalisedT);
    connect(m_logYCheck, &QCheckBox::toggled, this, &SchedulePage::setLogY);
    connect(savePlotButton, &QPushButton::clicked, this, &SchedulePage::askExportPlot);
    connect(saveCsvButton, &QPushButton::clicked, this, &SchedulePage::askExportCsv);
    updateLogYCheck();
    return viewBox;
}

// ---- the list of schedules ----------------------------------------------------------------

QList<ScheduleChoice> SchedulePage::schedules() const
{
    return m_list->choices();
}

bool SchedulePage::setSchedules(const QList<ScheduleChoice>& choices)
{
    return m_list->setChoices(choices);
}

bool SchedulePage::addSchedule(const ScheduleChoice& choice)
{
    return m_list->add(choice);
}

bool SchedulePage::setScheduleAt(int index, const ScheduleChoice& choice)
{
    return m_list->setAt(index, choice);
}

bool SchedulePage::removeSchedule(int index)
{
    return m_list->remove(index);
}

const NoiseSchedule& SchedulePage::schedule(int index) const
{
    return *m_list->shown().at(static_cast<std::size_t>(index)).schedule;
}

void SchedulePage::onSchedulesChanged()
{
    m_plots->setSchedules(m_list->shown());
    Q_EMIT schedulesChanged();
}

// ---- view options -------------------------------------------------------------------------

void SchedulePage::setView(View view)
{
    const QSignalBlocker block(m_viewCombo);
    m_viewCombo->setCurrentIndex(static_cast<int>(view));
    m_plots->setView(view);
    updateLogYCheck();
}

void SchedulePage::updateLogYCheck()
{
    // log SNR alone: the toggle has nothing to act on, so it says so instead of being ignored.
    const bool logSnrOnly = view() == View::LogSnr;
    m_logYCheck->setEnabled(!logSnrOnly);
    m_logYCheck->setToolTip(logSnrOnly
                                ? tr("log SNR is already a logarithm, so its y axis stays linear; "
                                     "the logarithmic y axis applies to βₜ, ᾱₜ and the square roots.")
                                : tr("Log y axes for βₜ, ᾱₜ and the square roots; values ≤ 0 are left out.\n"
                                     "log SNR is already logarithmic and stays linear."));
}

void SchedulePage::setLogY(bool on)
{
    const QSignalBlocker block(m_logYCheck);
    m_logYCheck->setChecked(on);
    m_plots->setLogY(on);
}

void SchedulePage::setNormalisedT(bool on)
{
    const QSignalBlocker block(m_normalisedCheck);
    m_normalisedCheck->setChecked(on);
    m_plots->setNormalisedT(on);
}

QCPGraph* SchedulePage::graph(int index, Quantity q) const
{
    return m_plots->graph(index, q);
}

void SchedulePage::showValuesAt(double x)
{
    m_plots->showValuesAt(x);
}

// ---- export -------------------------------------------------------------------------------

QString SchedulePage::figureCaption() const
{
    QStringList names;
    for (const ScheduleChoice& choice : m_list->choices())
        names << choice.label();
    return tr("Schedules: %1. x axis: %2; y axes: %3. DDPM Studio.")
        .arg(names.join(QStringLiteral("; ")),
             normalisedT() ? tr("t / T") : tr("t"),
             logY() ? tr("logarithmic (log SNR linear)") : tr("linear"));
}

bool SchedulePage::exportPlot(const QString& path)
{
    // The figure shows the curves, not where the mouse happened to be.
    m_plots->setHoverShown(false);
    const bool ok = savePlot(this, plot(), path, figureCaption());
    m_plots->setHoverShown(true);
    return ok;
}

QString SchedulePage::csvText() const
{
    QString out;
    const std::vector<ShownSchedule>& shown = m_list->shown();
    for (std::size_t r = 0; r < shown.size(); ++r) {
        const ShownSchedule& row = shown[r];
        const QString csv = QString::fromStdString(ddpm::scheduleToCsv(*row.schedule));
        const QStringList lines = csv.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        if (lines.isEmpty())
            continue;
        if (r == 0)
            out += QStringLiteral("schedule,steps,zero_terminal_snr,") + lines.front() + QLatin1Char('\n');
        const QString prefix = csvField(row.choice.name) + QLatin1Char(',') + QString::number(row.schedule->steps()) +
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
    auto* box = new QMessageBox(QMessageBox::Warning, tr("Schedule"), messageText(message), QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowModality(Qt::WindowModal);
    box->open();
}

// ---- settings -----------------------------------------------------------------------------

void SchedulePage::saveSettings(QSettings& settings) const
{
    QVariantList list;
    for (const ScheduleChoice& choice : m_list->choices()) {
        QVariantMap entry;
        entry[QStringLiteral("name")] = choice.name;
        entry[QStringLiteral("steps")] = choice.steps;
        entry[QStringLiteral("zeroTerminalSnr")] = choice.zeroTerminalSnr;
        list << entry;
    }
    settings.setValue(kKeySchedules, list);
    settings.setValue(kKeyView, view() == View::Grid ? QStringLiteral("grid")
                                                     : QString::fromLatin1(SchedulePlots::quantityText(static_cast<int>(view()) - 1).key));
    settings.setValue(kKeyLogY, logY());
    settings.setValue(kKeyNormalised, normalisedT());
}

void SchedulePage::restoreSettings(const QSettings& settings)
{
    const QString viewKey = settings.value(kKeyView, QStringLiteral("grid")).toString();
    View view = View::Grid;
    for (int i = 0; i < static_cast<int>(plottedQuantities().size()); ++i)
        if (viewKey == QLatin1String(SchedulePlots::quantityText(i).key))
            view = static_cast<View>(i + 1);
    const bool logY = settings.value(kKeyLogY, false).toBool();
    const bool normalisedT = settings.value(kKeyNormalised, false).toBool();
    {
        const QSignalBlocker b1(m_viewCombo), b2(m_logYCheck), b3(m_normalisedCheck);
        m_viewCombo->setCurrentIndex(static_cast<int>(view));
        m_logYCheck->setChecked(logY);
        m_normalisedCheck->setChecked(normalisedT);
    }
    m_plots->setOptions(view, logY, normalisedT); // forgets the hovered t, shows all of t
    updateLogYCheck();

    QList<ScheduleChoice> choices;
    QStringList skipped;
    for (const QVariant& value : settings.value(kKeySchedules).toList()) {
        const QVariantMap entry = value.toMap();
        ScheduleChoice choice;
        choice.name = entry.value(QStringLiteral("name"), choice.name).toString();
        choice.steps = entry.value(QStringLiteral("steps"), choice.steps).toInt();
        choice.zeroTerminalSnr = entry.value(QStringLiteral("zeroTerminalSnr"), false).toBool();
        choice = choice.withoutFileSteps(); // a custom file's T is the file's, whatever was stored
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
        setSchedules(choices);
}

} // namespace ddpm::ui
