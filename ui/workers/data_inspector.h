// DataInspector: what the Training page shows before a run starts, computed off the GUI
// thread: a grid of real examples (or the 2-D point cloud) and the chosen preset's parameter
// count on that data's shape (counting builds the net: a moment for the 35.7M-parameter
// cifar10 preset). Counts are cached per architecture; a newer request makes older queued
// ones be skipped.
#pragma once

#include <QObject>
#include <QString>

#include <atomic>
#include <map>
#include <string>
#include <vector>

#include "jobs/inspection_job.h"

namespace ddpm::ui {

class DataInspector : public QObject {
    Q_OBJECT
public:
    explicit DataInspector(QObject* parent = nullptr);

    /// Queues an inspection (callable from any thread); inspected() answers with the same id
    /// unless a newer request came first.
    void inspect(quint64 id, const QString& dataSpec, int imageSize, const QString& preset, const QString& variance);

Q_SIGNALS:
    void inspected(const ddpm::ui::DataInspection& result);

private:
    void run(quint64 id, const QString& dataSpec, int imageSize, const QString& preset, const QString& variance);

    std::atomic<quint64> m_latest{0};
    std::map<std::string, qint64> m_counts; // ModelConfig JSON -> parameters (worker thread only)
    QString m_dataKey;                      // the data of m_data (worker thread only)
    DataInspection m_data;
    std::vector<long long> m_shape;         // [C, H, W] or [D] of m_data
};

} // namespace ddpm::ui
